import Testing
import TestSupport
import LabOS

/// Scratch folders carry their owner's pid, so a folder a killed replay left behind can be told from a live one's.
@Suite("Scratch folders", .serialized)
struct ScratchTests {
    @Test func aScratchFolderIsNamedForItsOwnerAndRemoved() throws {
        let path = try Scratch.make(label: "some lab/../x")
        let name = String(path.split(separator: "/").last ?? "")
        #expect(name.hasPrefix("conclab-lab-\(System.processID)-some-lab----x-"), "\(name)")
        expectEqual(Scratch.ownerPID(ofName: name), System.processID)
        #expect(Scratch.live.contains(path))
        Scratch.remove(path)
        #expect(!Files.exists(path))
        #expect(!Scratch.live.contains(path))
    }

    @Test(arguments: [("conclab-lab-123-tour-abcdef", Int32(123)), ("conclab-lab-tour-abcdef", nil), ("conclab-lab-12x-a", nil),
                      ("other-123-x", nil), ("conclab-lab--x", nil)])
    func theOwnerComesFromTheName(name: String, pid: Int32?) {
        expectEqual(Scratch.ownerPID(ofName: name), pid)
    }

    /// A pid above the kernel's largest (4194304) names no process: its folder is stale. A live process's folder,
    /// an older name without a pid, and a link are left alone.
    @Test func theSweepRemovesOnlyFoldersOfProcessesThatAreGone() throws {
        let base = try Files.makeTemporaryDirectory(prefix: "conclab-sweep")
        defer { Files.removeTree(base) }
        let stale = base + "/conclab-lab-99999999-tour-abcdef"
        let mine = base + "/conclab-lab-\(System.processID)-tour-abcdef"
        let old = base + "/conclab-lab-tour-abcdef"
        let link = base + "/conclab-lab-99999998-link-abcdef"
        for folder in [stale, mine, old] { try Files.makeDirectories(folder) }
        try Files.writeAtomically(stale + "/left.txt", "left behind")
        try Files.makeSymbolicLink(link, to: mine)
        #expect(!Scratch.isAlive(99_999_999))
        #expect(Scratch.isAlive(System.processID))

        let removed = Scratch.sweepStale(in: base)
        expectEqual(removed, [stale])
        #expect(!Files.exists(stale))
        #expect(Files.isDirectory(mine) && Files.isDirectory(old))
        expectEqual(Files.linkInfo(link)?.kind, .symbolicLink)
    }

    @Test func readingARegularFileNeverBlocksOnAFIFO() throws {
        let base = try Files.makeTemporaryDirectory(prefix: "conclab-read")
        defer { Files.removeTree(base) }
        try Files.makeFIFO(base + "/pipe.md")
        #expect(throws: FileReadRefusal.notRegular(path: base + "/pipe.md", kind: .fifo)) {
            try Files.readRegularFile(base + "/pipe.md", maxBytes: 100)
        }
        try Files.writeAtomically(base + "/small.md", "hello")
        #expect(try Files.readRegularFile(base + "/small.md", maxBytes: 5) == "hello")
        #expect(throws: FileReadRefusal.tooLarge(path: base + "/small.md", bytes: 5, limit: 4)) {
            try Files.readRegularFile(base + "/small.md", maxBytes: 4)
        }
        let usage = Files.treeUsage(base, byteLimit: 1_000, entryLimit: 10)
        #expect(usage.bytes == 5 && usage.entries == 2)
    }
}
