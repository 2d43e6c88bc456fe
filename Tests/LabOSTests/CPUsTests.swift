import Foundation
import Testing
import TestSupport
@testable import LabOS

/// A made-up tree in a temporary directory (`proc/…` and `cgroup/…`).
private func withTree(_ files: [String: String], _ body: (String) throws -> Void) throws {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("conclab-cpus-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: root) }
    try FileManager.default.createDirectory(atPath: root + "/cgroup", withIntermediateDirectories: true)
    for (path, text) in files {
        let full = root + "/" + path
        try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: full))
    }
    try body(root)
}

@Suite struct CPUAllowanceTests {
    @Test func maskBitsAreCPUNumbers() {
        expectEqual(CPUAllowance.cpuNumbers(mask: [0b0000_0101, 0, 0b1000_0000]), [0, 2, 23])
        expectEqual(CPUAllowance.cpuNumbers(mask: [0, 0]), [])
    }

    @Test(arguments: [
        ("max 100000\n", nil), ("150000 100000\n", 1.5), ("200000 100000", 2.0), ("50000 100000\n", 0.5),
        ("", nil), ("max", nil), ("0 100000", nil), ("abc 100000", nil), ("100000 0", nil),
    ] as [(String, Double?)])
    func cpuMaxIsQuotaOverPeriod(text: String, cpus: Double?) {
        expectEqual(ProcFS.parseCPUMax(text), cpus)
    }

    @Test func theUnifiedLineNamesTheCgroup() {
        expectEqual(ProcFS.parseUnifiedCgroup("12:cpu,cpuacct:/a\n0::/user.slice/app.scope\n"), "/user.slice/app.scope")
        expectEqual(ProcFS.parseUnifiedCgroup("4:memory:/x\n1:cpu:/\n"), nil)
    }

    /// The tightest quota on the way up counts: a parent's limit binds its children too.
    @Test func theTightestQuotaFromTheCgroupToTheRoot() throws {
        try withTree(["proc/self/cgroup": "0::/outer/inner\n",
                      "cgroup/cpu.max": "max 100000\n",
                      "cgroup/outer/cpu.max": "150000 100000\n",
                      "cgroup/outer/inner/cpu.max": "300000 100000\n"]) { root in
            expectEqual(ProcFS.cgroupCPUQuota(procRoot: root + "/proc", cgroupRoot: root + "/cgroup"), 1.5)
        }
        try withTree(["proc/self/cgroup": "0::/\n", "cgroup/cpu.max": "max 100000\n"]) { root in
            expectEqual(ProcFS.cgroupCPUQuota(procRoot: root + "/proc", cgroupRoot: root + "/cgroup"), nil)
        }
        // cgroup v1 only: no `0::` line, no quota read.
        try withTree(["proc/self/cgroup": "3:cpu:/\n"]) { root in
            expectEqual(ProcFS.cgroupCPUQuota(procRoot: root + "/proc", cgroupRoot: root + "/cgroup"), nil)
        }
    }

    @Test(arguments: [
        (8, [0, 1, 2, 3, 4, 5, 6, 7], nil, 8, nil),
        (8, [0], nil, 1, "the affinity mask allows CPU 0 only"),
        (4, [1, 3], nil, 2, "the affinity mask allows CPUs 1, 3 only"),
        (4, [0, 1, 2, 3], 1.5, 1, "the cgroup CPU quota allows 1.5 CPUs"),
        (4, [0, 1, 2, 3], 0.5, 1, "the cgroup CPU quota allows 0.5 CPUs"),
        (4, [0, 1], 3.0, 2, "the affinity mask allows CPUs 0, 1 only"),
        (2, [0, 1], 2.0, 2, nil),
    ] as [(Int, [Int], Double?, Int, String?)])
    func coresAreTheAllowedCPUsCappedByTheQuota(online: Int, allowed: [Int], quota: Double?, cores: Int, limit: String?) {
        let allowance = CPUAllowance(online: online, allowed: allowed, quota: quota)
        expectEqual(allowance.cores, cores)
        expectEqual(allowance.limit, limit)
    }

    @Test func thisProcessMayUseAtLeastOneOnlineCPU() throws {
        let now = System.usableCPUs
        #expect(now.cores >= 1 && now.cores <= now.online)
        let mask = try #require(CPUAllowance.affinity())
        #expect(!mask.isEmpty && mask.allSatisfy { $0 >= 0 })
        expectEqual(now.allowed, mask)
    }

    /// /proc/stat's per-CPU lines, for the CPUs this process may use; the `cpu` line for all of them.
    @Test func machineCPUOfSomeCPUs() throws {
        let text = "cpu  30 0 10 100 0 0 0 0 0 0\ncpu0 10 0 5 50 0 0 0 0 0 0\ncpu1 20 0 5 50 0 0 0 0 0 0\nintr 1\n"
        expectEqual(ProcFS.parseMachineCPU(text), .init(busyTicks: 40, totalTicks: 140))
        expectEqual(ProcFS.parseMachineCPU(text, cpus: [1]), .init(busyTicks: 25, totalTicks: 75))
        expectEqual(ProcFS.parseMachineCPU(text, cpus: [0, 1]), .init(busyTicks: 40, totalTicks: 140))
        expectEqual(ProcFS.parseMachineCPU(text, cpus: [2]), nil)
        #expect(ProcFS.machineCPU(cpus: Set(System.usableCPUs.allowed)) != nil)
    }
}
