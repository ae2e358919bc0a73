// RUN: resq-opt %s --split-input-file --resq-params-to-arguments --verify-diagnostics | FileCheck %s

// Weights become trailing arguments, one per name; the ABI lists inputs,
// params and outputs with their safetensors dtypes and shapes.
// CHECK: module attributes {resq.abi = "resq-abi 1\0Ainput\09ids\09I64\091,4\0Ainput\09arg1\09U8\092\0Aparam\09w\09F32\094,4\0Aparam\09b\09F32\094\0Aoutput\09y\09F32\091,4\0A"
// CHECK: func.func @main(%{{.*}}: tensor<1x4xi64> {bufferization.writable = false}, %{{.*}}: tensor<2xi8> {bufferization.writable = false}, %[[W:.*]]: tensor<4x4xf32> {bufferization.writable = false}, %[[B:.*]]: tensor<4xf32> {bufferization.writable = false}) -> tensor<1x4xf32> attributes {llvm.emit_c_interface}
// CHECK-NOT: resq.param
module attributes {resq.params = #resq.archive<"w.safetensors">} {
  func.func @main(%ids: tensor<1x4xi64> {resq.name = "ids"}, %u: tensor<2xi8> {resq.unsigned}) -> (tensor<1x4xf32> {resq.name = "y"}) {
    %w = resq.param "w" : tensor<4x4xf32>
    %b = resq.param "b" : tensor<4xf32>
    %w2 = resq.param "w" : tensor<4x4xf32>
    %x = arith.sitofp %ids : tensor<1x4xi64> to tensor<1x4xf32>
    %y = resq.linear %x, %w, %b : (tensor<1x4xf32>, tensor<4x4xf32>, tensor<4xf32>) -> tensor<1x4xf32>
    %z = resq.linear %y, %w2 : (tensor<1x4xf32>, tensor<4x4xf32>) -> tensor<1x4xf32>
    return %z : tensor<1x4xf32>
  }
}

// -----

// expected-error @+1 {{no entry function @main with a body to compile}}
module {
  func.func @forward(%a: tensor<2xf32>) -> tensor<2xf32> {
    return %a : tensor<2xf32>
  }
}

// -----

module {
  // expected-error @+1 {{input 'x' has type 'tensor<?xf32>'; a compiled model needs static shapes (import with --input-shape NAME=DxD...)}}
  func.func @main(%a: tensor<?xf32> {resq.name = "x"}) -> tensor<?xf32> {
    return %a : tensor<?xf32>
  }
}

// -----

module {
  // expected-error @+1 {{input 'arg0' has element type 'complex<f32>', which a compiled model cannot exchange}}
  func.func @main(%a: tensor<2xcomplex<f32>>) -> tensor<2xcomplex<f32>> {
    return %a : tensor<2xcomplex<f32>>
  }
}

// -----

module attributes {resq.params = #resq.archive<"w.safetensors">} {
  func.func @main(%a: tensor<4xf32>) -> tensor<4xf32> {
    %0 = call @helper() : () -> tensor<4xf32>
    return %0 : tensor<4xf32>
  }
  func.func private @helper() -> tensor<4xf32> {
    // expected-error @+1 {{'resq.param' op 'w' is outside the entry function @main; weights are bound to the entry's arguments, so inline its callees first (--inline)}}
    %w = resq.param "w" : tensor<4xf32>
    return %w : tensor<4xf32>
  }
}
