// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "conclab",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "conclab", targets: ["conclab"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // libedit, the system C library (Debian: libedit-dev).
        .systemLibrary(
            name: "CEditLine",
            pkgConfig: "libedit",
            providers: [.apt(["libedit-dev"])]
        ),
        // Declarations Glibc hides without _GNU_SOURCE (gettid, pipe2, pthread_setname_np, prctl).
        .target(name: "CLabShim"),
        // The only module that talks to the operating system.
        .target(name: "LabOS", dependencies: ["CLabShim"]),
        // The lab's kernel: command model, results, expressions, objects. No terminal code.
        .target(name: "LabKit", dependencies: ["LabOS"]),
        .executableTarget(
            name: "conclab",
            dependencies: [
                "LabKit", "LabOS", "CEditLine",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "LabOSTests", dependencies: ["LabOS"]),
        .testTarget(name: "LabKitTests", dependencies: ["LabKit"]),
        .testTarget(name: "EndToEndTests", dependencies: ["LabOS"]),
    ],
    swiftLanguageModes: [.v6]
)
