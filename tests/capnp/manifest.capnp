# A small boot manifest for the capnp suite, evaluated with `capnp eval -b`.
@0x86c11d050e864745;

using C = import "/capos.capnp";

const manifest :C.SystemManifest = (
  schemaVersion = 1,
  binaries = [
    (name = "app", path = "bin/app"),
    (name = "logger", path = "bin/logger",
     blake3 = 0x"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f")
  ],
  services = [
    (name = "logger", binary = "logger",
     caps = [(name = "console", interfaceId = 0xe7ecb111eb8edbca, kernel = console)],
     exports = [(name = "log", interfaceId = 0xe7ecb111eb8edbca)],
     restart = onFailure),
    (name = "app", binary = "app",
     caps = [(name = "log", interfaceId = 0xe7ecb111eb8edbca,
              serviceExport = (service = "logger", export = "log"), badge = 42, rights = 1)],
     restartLimit = 0,
     args = ["app", "--verbose"])
  ]
);
