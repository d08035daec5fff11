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
        "native/src/syscalls.cc"
      ],
      "defines": ["NAPI_VERSION=8"],
      "cflags_cc": ["-std=c++17", "-O2", "-Wall", "-Wextra"],
      "cflags_cc!": ["-std=gnu++17", "-std=gnu++14"]
    },
    {
      "target_name": "erlsock_probes",
      "sources": [
        "native/src/probes.cc",
        "native/src/thread_probe.cc"
      ],
      "defines": ["NAPI_VERSION=8"],
      "cflags_cc": ["-std=c++17", "-O2", "-Wall", "-Wextra"],
      "cflags_cc!": ["-std=gnu++17", "-std=gnu++14"]
    }
  ]
}
