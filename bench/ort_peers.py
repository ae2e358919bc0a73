"""ONNX Runtime as the peer of bench/quality.py: the tools a user has today
without resq, run on the same ONNX file and the same tokens.

  ORT FP32          the ONNX model as it is;
  ORT int8 dynamic  onnxruntime.quantization.quantize_dynamic with its
                    defaults (int8 weights per tensor, uint8 activations
                    quantized per tensor at run time);
  ORT W4 MatMulNBits  MatMulNBitsQuantizer with its defaults: 4-bit RTN
                    weights in blocks of 128 input rows with a zero point,
                    float activations (the MatMulNBits contrib op).

Perplexity follows resq-run --perplexity: each window of the compiled
length is scored on its T-1 next-token predictions; the mean negative
log-likelihood over all of them is exponentiated.
"""
import os
import subprocess
import sys
import time

import numpy as np

ONNX_IR_PACKAGE = "onnx_ir==1.1.0"


def _ensure_onnx_ir():
    try:
        import onnx_ir  # noqa: F401  (MatMulNBitsQuantizer imports it)
    except ImportError:
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", ONNX_IR_PACKAGE],
                       check=True)


def _save(model, path):
    import onnx
    onnx.save_model(model, path, save_as_external_data=True, all_tensors_to_one_file=True,
                    location=os.path.basename(path) + ".data", size_threshold=1024)


def make_peer_models(onnx_path, work):
    """Writes the quantized peers under `work`; returns [(name, path)]."""
    import onnx
    from onnxruntime.quantization import quantize_dynamic
    os.makedirs(work, exist_ok=True)
    peers = [("ORT FP32", onnx_path)]

    int8_path = os.path.join(work, "ort_int8_dynamic.onnx")
    if not os.path.exists(int8_path):
        quantize_dynamic(onnx_path, int8_path, use_external_data_format=True)
    peers.append(("ORT int8 dynamic", int8_path))

    nbits_path = os.path.join(work, "ort_w4_matmulnbits.onnx")
    if not os.path.exists(nbits_path):
        _ensure_onnx_ir()
        from onnxruntime.quantization.matmul_nbits_quantizer import MatMulNBitsQuantizer
        quantizer = MatMulNBitsQuantizer(onnx.load(onnx_path), bits=4)
        quantizer.process()
        _save(quantizer.model.model, nbits_path)
    peers.append(("ORT W4 MatMulNBits", nbits_path))
    return peers


def log_softmax(x):
    x = x - x.max(axis=-1, keepdims=True)
    return x - np.log(np.exp(x).sum(axis=-1, keepdims=True))


def evaluate(model_path, windows, kl_count, threads):
    """Runs every window; returns (perplexity, tokens/s, logits of the first
    kl_count windows as float64)."""
    import onnxruntime as ort
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    session = ort.InferenceSession(model_path, options, providers=["CPUExecutionProvider"])
    name = session.get_inputs()[0].name
    nll, scored, kept = 0.0, 0, []
    seconds = 0.0
    for i, window in enumerate(windows):
        start = time.perf_counter()
        logits = session.run(None, {name: window.reshape(1, -1).astype(np.int64)})[0][0]
        seconds += time.perf_counter() - start
        logits = logits.astype(np.float64)
        lp = log_softmax(logits[:-1])
        nll -= float(lp[np.arange(len(window) - 1), window[1:]].sum())
        scored += len(window) - 1
        if i < kl_count:
            kept.append(logits)
    return float(np.exp(nll / scored)), windows.size / seconds, kept


def ort_version():
    import onnxruntime
    return onnxruntime.__version__
