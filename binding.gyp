{
  "targets": [
    {
      "target_name": "erlsock_native",
      "sources": [
        "native/src/addon.cc",
        "native/src/constants.cc",
        "native/src/netinfo.cc",
        "native/src/poller.cc",
        "native/src/sockopt.cc",
        "native/src/syscalls.cc",
        "native/src/thread_probe.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS"],
      "cflags_cc": ["-std=c++17", "-O2", "-Wall", "-Wextra"],
      "cflags_cc!": ["-std=gnu++17", "-std=gnu++14"]
    }
  ]
}
