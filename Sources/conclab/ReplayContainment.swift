import LabOS

/// The OS's part of keeping a replayed lab contained. conclab's commands already refuse what a lab may not do (read
/// or write outside its scratch folder, run python3); this makes the kernel refuse it too, for the replay and every
/// process it starts, so a command that missed a case still cannot run a program or write a file elsewhere.
///
/// With Landlock (Linux 5.13+): only conclab itself, its ELF loader and `/bin/true` (the reference of `proc bench`)
/// may be executed, and files may be written, created or removed only beneath the replay's scratch root, which
/// every lab's scratch folder is made in (`TMPDIR` points there). Without Landlock the replay still runs, confined
/// by the commands alone, and says so.
enum ReplayContainment {
    /// What the confinement allows, and how it was set up.
    struct Status {
        var root: String?
        var landlock: Int?
        var problem: String?

        /// The line a replay transcript starts with.
        var line: String {
            if let landlock, problem == nil {
                return "contained by the kernel (Landlock ABI \(landlock)): programs other than conclab cannot be run, "
                    + "files cannot be written outside the scratch folder or past 64 MiB; 8 GiB of memory, an hour of CPU, no core dumps"
            }
            return "not contained by the kernel (\(problem ?? "no Landlock")): only conclab's own checks confine the labs"
        }
    }

    /// Runs the replay again as a child confined to `root` (a scratch folder, registered so every way this replay
    /// ends removes it), waits for it, removes the root and returns the child's exit status. The parent stays
    /// unconfined so it can remove the root: under Landlock a folder cannot be removed from inside itself.
    /// Nil when this kernel has no Landlock (the caller then replays in this process, confined by the commands).
    /// `collect` is called with the root once the child has ended, before the root is removed (to take out a file the
    /// child wrote there, such as the JUnit report).
    static func runConfinedChild(arguments: [String], collect: ((String) -> Void)? = nil) -> Int32? {
        guard Containment.landlockVersion != nil, let me = System.executablePath() else { return nil }
        let root: String
        do { root = try Scratch.make(label: "replay") } catch { return nil }
        defer { Scratch.remove(root) }
        let child: Int32
        do {
            // SIGTERM if this process dies first: the child then ends its labs and leaves nothing behind.
            child = try ChildProcess.spawn(ChildProcess.Configuration(
                executable: me, arguments: ["replay", "--confined-in", root] + arguments, programName: "conclab",
                environment: ["TMPDIR": root],
                attributes: ChildProcess.Attributes(newProcessGroup: false, parentDeathSignal: Signals.terminate)))
        } catch {
            return nil
        }
        confinedChild.withLock { $0 = child }
        defer { confinedChild.withLock { $0 = nil } }
        while true {
            do {
                if let status = try ChildProcess.reap(child, block: true) {
                    collect?(root)
                    switch status {
                    case .exited(let code): return code
                    case .signaled(let signal):
                        // Ended by a signal (one passed on from this process, most likely): end the same way, as a
                        // command in a pipeline does, once the root is gone.
                        Scratch.remove(root)
                        Signals.dieBy(signal)
                    }
                }
            } catch {
                // The thread that passes a signal on reaps the child itself (ECHILD here), then ends this process
                // by the same signal: wait for that rather than exit with a status of our own first.
                if abandoning.withLock({ $0 }) {
                    while true { System.sleep(nanoseconds: 1_000_000_000) }
                }
                return 1
            }
        }
    }

    /// The confined child, while it runs: a signal to the parent is passed on to it.
    static let confinedChild = Locked<Int32?>(nil)
    /// Set once a signal to the parent is being passed on to the child; that path ends the process.
    static let abandoning = Locked<Bool>(false)

    /// In the confined child: confines this process to `root` (its labs' scratch folders are made there, `TMPDIR`
    /// says so) and every process it starts.
    static func confine(root: String) -> Status {
        var status = Status(root: root)
        System.setEnvironment("TMPDIR", root)
        guard let abi = Containment.landlockVersion else {
            status.problem = "this kernel has no Landlock"
            return status
        }
        // /bin/true is dynamic: the kernel also opens its ELF loader for execution (a static conclab has none of
        // its own to name), so the usual loader paths are allowed too; missing ones are skipped.
        var programs = ["/bin/true", "/usr/bin/true", "/lib64/ld-linux-x86-64.so.2", "/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2",
                        "/lib/ld-linux-aarch64.so.1", "/lib/aarch64-linux-gnu/ld-linux-aarch64.so.1"]
        if let me = System.executablePath() { programs.append(me) }
        if let loader = Containment.loaderPath() { programs.append(loader) }
        do {
            // No file a lab writes may pass the bound replay puts on all it writes (64 MiB), even between two checks;
            // no process may map more than 8 GiB (a debug conclab with threads maps about 250 MiB) or use more than
            // an hour of CPU (all the labs replay in about 70 s).
            try Containment.limitResources(fileSize: 64 << 20, addressSpace: 8 << 30, cpuSeconds: 3600)
            try Containment.confine(executables: programs, writable: [root, "/dev/null"])
            status.landlock = abi
        } catch {
            status.problem = "Landlock refused: \(error)"
        }
        return status
    }

    /// After `confine`: what the kernel now refuses, tried for real. Each line says what was tried and what happened;
    /// `contained` is true only if running a shell and writing outside the root were both refused.
    static func selfCheck(_ status: Status) -> (lines: [String], contained: Bool) {
        var lines: [String] = [status.line]
        var contained = status.landlock != nil
        do {
            let pid = try ChildProcess.spawn(ChildProcess.Configuration(executable: "/bin/sh", arguments: ["-c", "exit 0"]))
            _ = try? ChildProcess.reap(pid, block: true)
            lines.append("run /bin/sh: allowed")
            contained = false
        } catch {
            lines.append("run /bin/sh: refused (\(error))")
        }
        let outside = "/tmp/conclab-containment-check-\(System.processID)"
        do {
            try Files.writeAtomically(outside, "x")
            Files.removeTree(outside)
            lines.append("write \(outside): allowed")
            contained = false
        } catch {
            lines.append("write \(outside): refused (\(error))")
        }
        if let root = status.root {
            do {
                try Files.writeAtomically(root + "/check", "x")
                lines.append("write inside the scratch root: allowed")
            } catch {
                lines.append("write inside the scratch root: refused (\(error))")
                contained = false
            }
            if status.landlock != nil {
                do {
                    try Files.writeAtomically(root + "/big", String(repeating: "x", count: (64 << 20) + 1))
                    lines.append("write a file of 64 MiB + 1 byte inside the scratch root: allowed")
                    contained = false
                } catch {
                    lines.append("write a file of 64 MiB + 1 byte inside the scratch root: refused (\(error))")
                }
                Files.removeTree(root + "/big")
                Files.removeTree(root + "/big.tmp.\(System.processID)")
            }
        }
        return (lines, contained)
    }
}
