//===- CimDialect.td - the cim dialect definition -------------*- tablegen -*-===//

#ifndef CIM_DIALECT_TD
#define CIM_DIALECT_TD

include "mlir/IR/OpBase.td"

def Cim_Dialect : Dialect {
  let name = "cim";
  let cppNamespace = "::resq::cim";
  let summary = "Analog compute-in-memory crossbars and their readout circuits";
  let description = [{
    The `cim` dialect describes how a linear layer runs on analog crossbars
    (ALGORITHMS.md §6): integer weights are bit-sliced onto crossbar tiles
    (`cim.program`), each input bit drives the rows and every row tile and
    slice produces column partial sums (`cim.mvm`), and peripheral circuits
    read the partial sums out: an N-bit ADC (`cim.adc`) followed by
    shift-and-add (`cim.shift_add`), or ADC-less sense amplifiers
    (`cim.sense_amp`) whose binary/ternary decisions a digital array turns
    into scaled sums (`cim.scale_accumulate`); spiking networks integrate
    currents in leaky integrate-and-fire neurons (`cim.lif`).

    Every op works on whole tensors: a partial-sum tensor holds every
    token `m`, input bit `b`, row tile `t`, slice `s` and column `j`, in
    that order (`[M, B, T, S, N]`). The descriptions below define each
    op's arithmetic; the bit-accurate simulator (`runtime/cimsim`)
    computes the same quantities (`--resq-cim-to-runtime` turns each op
    into a call of its C API).

    Every op may carry a `layer` name (`{layer = "fc1"}`): the simulator
    counts the op's events (array reads, DAC pulses, conversions,
    decisions, additions, LIF updates) under that name, and
    `resq-run --target cim` prices them per layer. Conductance variation
    is drawn per layer name, so ops of one layer see the same devices.
  }];
  let useDefaultAttributePrinterParser = 1;

  let extraClassDeclaration = [{
  private:
    void registerAttributes();
  public:
  }];
}

class Cim_Op<string mnemonic, list<Trait> traits = []>
    : Op<Cim_Dialect, mnemonic, traits>;

#endif // CIM_DIALECT_TD
