# bcastd's own N-API addon: one module, one C file per feature area (see src/addon.c).
# Build: npx node-gyp rebuild --directory=native   (add --nodedir=/usr to use the system Node headers)
{
  "targets": [
    {
      "target_name": "bcastd_native",
      "sources": [
        "src/addon.c",
        "src/errors.c",
        "src/fd.c",
        "src/pty.c",
        "src/sd_notify.c",
        "src/gpio.c",
        "src/secure_memory.c",
        "src/tcp.c",
        "src/process.c"
      ],
      "defines": ["NAPI_VERSION=8", "_GNU_SOURCE"],
      "cflags": ["-std=gnu11", "-Wall", "-Wextra", "-Wno-unused-parameter", "-fvisibility=hidden"],
      "conditions": [
        ["OS=='linux'", {
          "libraries": ["-lutil"]
        }]
      ]
    }
  ]
}
