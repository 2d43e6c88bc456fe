// swift-tools-version:6.0
import PackageDescription

// The targets are the architecture (see ARCHITECTURE.md): each arrow is a dependency the compiler enforces.
//   CLabShim → LabOS → LabCore → PyLab → LabTopics → LabKit → conclab
//                      LabCore → LabGuide ─────────→ LabKit
let package = Package(
    name: "conclab",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "conclab", targets: ["conclab"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // Python's unbounded integers (the interpreter keeps small ones in its own tagged word).
        .package(url: "https://github.com/attaswift/BigInt", from: "6.0.1"),
    ],
    targets: [
        // libedit, the system C library (Debian: libedit-dev).
        .systemLibrary(
            name: "CEditLine",
            pkgConfig: "libedit",
            providers: [.apt(["libedit-dev"])]
        ),
        // Declarations Glibc hides without _GNU_SOURCE (gettid, pipe2, pthread_setname_np, prctl) and the one spawn entry.
        .target(name: "CLabShim"),
        // The only module that talks to the operating system.
        .target(name: "LabOS", dependencies: ["CLabShim"]),
        // The kernel: commands, results, expressions, objects, the session, and the vocabulary topics share.
        // It sees no lab, no recorder and no topic.
        .target(name: "LabCore", dependencies: ["LabOS"]),
        // The Python-subset interpreter: lexer, parser, compiler, VM, objects, heap, GIL, builtins, runtime.
        .target(name: "PyLab", dependencies: ["LabCore", "LabOS", .product(name: "BigInt", package: "BigInt")]),
        // One folder per topic (generators, descriptors, IPC, processes, threads, races, locks, measure, timeline,
        // python); a topic uses only LabCore, PyLab and LabOS, never another topic (scripts/check_seams.py).
        .target(name: "LabTopics", dependencies: ["LabCore", "PyLab", "LabOS"]),
        // Labs (files, guide, replay, lint) and the recorder; it sees the core only, through its observer protocols.
        .target(name: "LabGuide", dependencies: ["LabCore", "LabOS"]),
        // The wiring: the standard registry, and a session with the guide and the recorder plugged in.
        .target(name: "LabKit", dependencies: ["LabCore", "PyLab", "LabTopics", "LabGuide", "LabOS"]),
        .executableTarget(
            name: "conclab",
            dependencies: [
                "LabKit", "LabCore", "PyLab", "LabTopics", "LabGuide", "LabOS", "CEditLine",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            // Sources/conclab/Labs links to Labs/: inside the target, so SwiftPM notices a lab added or removed.
            exclude: ["Labs"],
            plugins: ["EmbedLabs"]
        ),
        // The labs inside the binary: the plugin has the tool turn Labs/<language>/*.md into a Swift source of the
        // conclab target, again whenever a lab file changes (a copied binary needs no Labs folder).
        .executableTarget(name: "LabEmbedder"),
        .plugin(name: "EmbedLabs", capability: .buildTool(), dependencies: ["LabEmbedder"]),
        // What several test targets use: polling with a deadline, a snippet harness.
        .target(name: "TestSupport", dependencies: ["LabOS", "LabCore", "PyLab"], path: "Tests/TestSupport"),
        .testTarget(name: "LabOSTests", dependencies: ["LabOS", "TestSupport"]),
        .testTarget(name: "PyLabTests", dependencies: ["PyLab", "LabCore", "TestSupport", .product(name: "BigInt", package: "BigInt")]),
        .testTarget(name: "LabKitTests", dependencies: ["LabKit", "LabCore", "PyLab", "LabTopics", "LabGuide", "LabOS", "TestSupport"]),
        .testTarget(name: "EndToEndTests", dependencies: ["LabOS", "TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
