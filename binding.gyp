{
  "targets": [
    {
      "target_name": "erlsock_native",
      "sources": [
        "native/src/addon.cc",
        "native/src/constants.cc",
        "native/src/hot_io.cc",
        "native/src/netinfo.cc",
        "native/src/poller.cc",
        "native/src/sockopt.cc",
        "native/src/syscalls.cc",
        "native/src/wait_timer.cc"
      ],
      "dependencies": [
        "<!(node -p \"require('node-addon-api').targets\"):node_addon_api_except"
      ],
      "defines": [
        "NAPI_VERSION=8",
        "NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS"
      ],
      "cflags_cc": [
        "-std=c++17",
        "-O2",
        "-Wall",
        "-Wextra"
      ],
      "cflags_cc!": [
        "-std=gnu++17",
        "-std=gnu++14"
      ]
    },
    {
      "target_name": "erlsock_probes",
      "sources": [
        "native/src/probes.cc",
        "native/src/thread_probe.cc"
      ],
      "dependencies": [
        "<!(node -p \"require('node-addon-api').targets\"):node_addon_api_except"
      ],
      "defines": [
        "NAPI_VERSION=8",
        "NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS"
      ],
      "cflags_cc": [
        "-std=c++17",
        "-O2",
        "-Wall",
        "-Wextra"
      ],
      "cflags_cc!": [
        "-std=gnu++17",
        "-std=gnu++14"
      ]
    }
  ]
}
