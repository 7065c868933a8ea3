# For node-gyp users (npm install in lib/usdt/node): the same addon the
# Makefile builds with the C compiler.  The addon loads ./scry_usdt.node;
# index.js finds build/Release/scry_usdt.node when ./scry_usdt.node is absent.
{
  "targets": [
    {
      "target_name": "scry_usdt",
      "sources": ["scry_usdt_node.c", "../build.c", "../usdt.c"],
      "include_dirs": [".."],
      "defines": ["_GNU_SOURCE", "NAPI_VERSION=8"],
      "cflags": ["-std=gnu11", "-fvisibility=hidden"],
      "libraries": ["-ldl"]
    }
  ]
}
