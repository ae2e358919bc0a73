//===- CimAttributes.td - enums and attributes of cim ---------*- tablegen -*-===//

#ifndef CIM_ATTRIBUTES_TD
#define CIM_ATTRIBUTES_TD

include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"
include "dialects/cim/CimDialect.td"

def Cim_MappingAttr : I32EnumAttr<"Mapping", "how signed weights map onto cells", [
    I32EnumAttrCase<"Differential", 0, "differential">,
    I32EnumAttrCase<"Offset", 1, "offset">]> {
  let cppNamespace = "::resq::cim";
}

def Cim_SenseModeAttr : I32EnumAttr<"SenseMode", "sense-amplifier decision", [
    I32EnumAttrCase<"Binary", 0, "binary">,
    I32EnumAttrCase<"Ternary", 1, "ternary">]> {
  let cppNamespace = "::resq::cim";
}

def Cim_ResetAttr : I32EnumAttr<"Reset", "membrane reset after a spike", [
    I32EnumAttrCase<"Soft", 0, "soft">,
    I32EnumAttrCase<"Hard", 1, "hard">]> {
  let cppNamespace = "::resq::cim";
}

def Cim_CrossbarAttr : AttrDef<Cim_Dialect, "Crossbar"> {
  let mnemonic = "crossbar";
  let summary = "a crossbar configuration";
  let description = [{
    `rows` x `cols` cells of `cell_bits` bits each; weights of `weight_bits`
    bits are sliced into `ceil(weight_bits / cell_bits)` slices; inputs of
    `input_bits` bits are streamed `dac_bits` (only 1 is supported) per
    cycle; `mapping` is `differential` (a G+/G- column pair per weight, so
    `cols / 2` weight columns) or `offset` (`w + 2^(weight_bits - 1)` on one
    column). `device` names the cell technology for the cost model.

    In op syntax the attribute is written without its `#cim.crossbar`
    prefix (as below after `<`), or as an alias such as `#xbar`.

    ```mlir
    #cim.crossbar<rows = 128, cols = 128, cell_bits = 1, weight_bits = 4,
                  input_bits = 8, dac_bits = 1, mapping = differential,
                  device = "reram">
    ```
  }];
  let parameters = (ins "int64_t":$rows, "int64_t":$cols, "int64_t":$cellBits,
                        "int64_t":$weightBits, "int64_t":$inputBits,
                        "int64_t":$dacBits, "::resq::cim::Mapping":$mapping,
                        "::mlir::StringAttr":$device);
  let assemblyFormat = [{
    `<` `rows` `=` $rows `,` `cols` `=` $cols `,` `cell_bits` `=` $cellBits `,`
    `weight_bits` `=` $weightBits `,` `input_bits` `=` $inputBits `,`
    `dac_bits` `=` $dacBits `,` `mapping` `=` $mapping `,` `device` `=` $device `>`
  }];
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// Weight columns one crossbar holds.
    int64_t getLogicalColumns() const;
    /// ceil(weight_bits / cell_bits).
    int64_t getSlices() const;
    /// ceil(k / rows).
    int64_t getRowTiles(int64_t k) const;
  }];
}

#endif // CIM_ATTRIBUTES_TD
