// RUN: resq-opt %s --split-input-file --resq-emit-entry-point --verify-diagnostics | FileCheck %s

// resq_entry loads one descriptor pointer per ABI line and calls the entry's
// C interface; every other function becomes internal.
// CHECK: llvm.func internal @main
// CHECK: llvm.func internal @_mlir_ciface_main(%{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr)
// CHECK: llvm.mlir.global internal constant @resq_abi_text("resq-abi 1\0Ainput\09x\09F32\092\0Aoutput\09y\09F32\092\0A\00")
// CHECK: llvm.func @resq_abi() -> !llvm.ptr
// CHECK: llvm.func @resq_entry(%[[ARGV:.*]]: !llvm.ptr)
// CHECK: %[[P0:.*]] = llvm.getelementptr %[[ARGV]][0]
// CHECK: %[[D0:.*]] = llvm.load %[[P0]]
// CHECK: %[[P1:.*]] = llvm.getelementptr %[[ARGV]][1]
// CHECK: %[[D1:.*]] = llvm.load %[[P1]]
// CHECK: llvm.call @_mlir_ciface_main(%[[D0]], %[[D1]])
// CHECK-NOT: resq.abi
module attributes {resq.abi = "resq-abi 1\0Ainput\09x\09F32\092\0Aoutput\09y\09F32\092\0A"} {
  llvm.func @main() {
    llvm.return
  }
  llvm.func @_mlir_ciface_main(%a: !llvm.ptr, %b: !llvm.ptr) {
    llvm.call @main() : () -> ()
    llvm.return
  }
}

// -----

// expected-error @+1 {{no 'resq.abi' attribute: run --resq-params-to-arguments before lowering}}
module {
}

// -----

// expected-error @+1 {{no @_mlir_ciface_main: the entry must be lowered with llvm.emit_c_interface}}
module attributes {resq.abi = "resq-abi 1\0A"} {
  llvm.func @main() {
    llvm.return
  }
}

// -----

module attributes {resq.abi = "resq-abi 1\0Ainput\09x\09F32\092\0Aoutput\09y\09F32\092\0A"} {
  // expected-error @+1 {{expected 2 descriptor pointers and no result (outputs as out-parameters), got '!llvm.func<i64 (ptr)>'}}
  llvm.func @_mlir_ciface_main(%a: !llvm.ptr) -> i64 {
    %0 = llvm.mlir.constant(0 : i64) : i64
    llvm.return %0 : i64
  }
}

// -----

// expected-error @+1 {{'resq.abi' must be a string attribute of a builtin.module}}
module attributes {resq.abi = 3 : i32} {
}
