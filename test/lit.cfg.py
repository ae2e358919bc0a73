# lit configuration of resq's regression tests (test/Dialect, test/Passes, ...).
#
# Parameters (lit --param NAME=VALUE):
#   verify_roundtrip=1  run every resq-opt invocation with --verify-roundtrip,
#                       which re-parses the printed output in both the custom
#                       and the generic form and checks it is unchanged.

import os

import lit.formats
from lit.llvm import llvm_config
from lit.llvm.subst import ToolSubst

config.name = "resq"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test"]
config.excludes = ["CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py", "unit", "Inputs"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.resq_obj_root, "test")

config.substitutions.append(("%resq_src_root", config.resq_src_root))
llvm_config.use_default_substitutions()
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)

verify_roundtrip = lit_config.params.get("verify_roundtrip", "0") == "1"
if verify_roundtrip:
    config.available_features.add("verify-roundtrip")
    # A separate output tree, so both variants of a test can run at once.
    config.test_exec_root = os.path.join(config.resq_obj_root, "test-roundtrip")
resq_opt_args = ["--verify-roundtrip"] if verify_roundtrip else []

llvm_config.add_tool_substitutions(
    [
        ToolSubst("resq-opt", extra_args=resq_opt_args, unresolved="fatal"),
        ToolSubst("resq-import", unresolved="fatal"),
        ToolSubst("resq-compile", unresolved="fatal"),
        ToolSubst("resq-run", unresolved="fatal"),
    ],
    [config.resq_tools_dir],
)

# Features for tests that need tools resq does not always have; a test
# declares them with REQUIRES and is reported as unsupported where absent.
#   nvcc      the CUDA toolkit was found at configure time (RESQ_ENABLE_CUDA)
#   cuda-gpu  an NVIDIA GPU answers nvidia-smi on this machine
if config.resq_enable_cuda:
    config.available_features.add("nvcc")
try:
    import subprocess

    if subprocess.run(["nvidia-smi", "-L"], capture_output=True, timeout=20).returncode == 0:
        config.available_features.add("cuda-gpu")
except (OSError, subprocess.SubprocessError):
    pass

# Python-based checks run with the python3 on PATH (%host_python, which may have PyPI
# packages), not with lit's own interpreter.
#   numpy        that python3 has numpy (numeric comparisons)
#   onnx         that python3 has onnx (reading ONNX test data)
#   onnxruntime  that python3 has onnxruntime (reference outputs)
#   onnx-testdata  Debian's libonnx-testdata node tests are installed
#   stories260k  ../shared/models/stories260K/ is present beside the checkout
import shutil

python3 = shutil.which("python3") or "python3"
config.substitutions.append(("%host_python", python3))
config.substitutions.append(("%resq_tools_dir", config.resq_tools_dir))
# The C compiler resq was built with (tests of the runtime's C API).
config.substitutions.append(("%cc", config.resq_c_compiler))
config.substitutions.append(("%llvm_root", os.path.dirname(config.llvm_tools_dir)))
llvm_lib = os.path.join(os.path.dirname(config.llvm_tools_dir), "lib")
config.substitutions.append(("%mlir_runner_utils", os.path.join(llvm_lib, "libmlir_runner_utils.so")))
config.substitutions.append(("%mlir_c_runner_utils", os.path.join(llvm_lib, "libmlir_c_runner_utils.so")))
#   sentencepiece  that python3 has sentencepiece (to train a test tokenizer)
#                  and resq was built with its SentencePiece shim
#   onnx_ir      ONNX Runtime's MatMulNBits quantizer needs it (bench/quality.py)
# One probe for every module, by finding it rather than importing it: lit
# runs this file once per test file (one CTest test each), and importing
# onnx and onnxruntime there cost seconds per test.
probe = ("import importlib.util as u; "
         "print(' '.join(m for m in ('numpy', 'onnx', 'onnxruntime', 'onnx_ir', 'sentencepiece') "
         "if u.find_spec(m) is not None))")
try:
    run = subprocess.run([python3, "-c", probe], capture_output=True, text=True, timeout=60)
    found_modules = set(run.stdout.split()) if run.returncode == 0 else set()
except (OSError, subprocess.SubprocessError):
    found_modules = set()
for module in ("numpy", "onnx", "onnxruntime", "onnx_ir"):
    if module in found_modules:
        config.available_features.add(module)
config.substitutions.append(("%onnx_node", "/usr/share/libonnx-testdata/data/node"))
has_spm = "sentencepiece" in found_modules
if has_spm and os.path.isfile(os.path.join(config.resq_obj_root, "lib", "libresq_sentencepiece.so")):
    config.available_features.add("sentencepiece")
#   fashion-mnist  Debian's dataset-fashion-mnist is installed (examples/cim)
if os.path.isfile("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz"):
    config.available_features.add("fashion-mnist")
if os.path.isdir("/usr/share/libonnx-testdata/data/node"):
    config.available_features.add("onnx-testdata")
stories = os.path.join(config.resq_src_root, "..", "shared", "models", "stories260K")
if os.path.isfile(os.path.join(stories, "stories260K_T64_static_op17.onnx")):
    config.available_features.add("stories260k")
config.substitutions.append(("%stories260k", os.path.normpath(stories)))
