{
  "targets": [
    {
      "target_name": "infomax_onednn",
      "sources": [
        "addon.cc",
        "activation.cc",
        "conv2d.cc",
        "dnnl-context.cc",
        "matmul.cc",
        "primitive.cc",
        "weights-reorder.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti"],
      "cflags_cc": ["-std=c++17", "-O2", "-fopenmp", "-fvisibility=hidden"],
      "libraries": ["-ldnnl", "-fopenmp"]
    }
  ]
}
