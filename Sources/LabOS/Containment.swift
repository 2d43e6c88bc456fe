import CLabShim
import Glibc

/// What the kernel confines a replayed lab to, with Landlock (Linux 5.13 and later, no root needed): the replay and
/// every process it starts may execute only the programs named (conclab itself, its ELF loader, `/bin/true` for
/// `proc bench`), and may write, create or remove files only beneath the folders named (the replay's scratch root).
/// A lab is someone else's: this holds even if a command of conclab's had a way out that the command-level checks
/// missed. Reading is confined by conclab's commands, not here (a worker must still load conclab and its libraries).
public enum Containment {
    /// The Landlock ABI the kernel offers, nil when it has none (too old, or disabled).
    public static var landlockVersion: Int? {
        let abi = conclab_landlock_abi()
        return abi > 0 ? Int(abi) : nil
    }

    /// The ELF interpreter (`ld-linux…`) this process runs under, from /proc/self/maps; nil for a static executable.
    public static func loaderPath(root: String = ProcFS.defaultRoot) -> String? {
        guard let maps = try? ProcFS.readFile(root + "/self/maps") else { return nil }
        for line in maps.split(separator: "\n") {
            guard let slash = line.firstIndex(of: "/") else { continue }
            let path = String(line[slash...])
            if path.split(separator: "/").last?.hasPrefix("ld-linux") == true { return path }
        }
        return nil
    }

    /// Confines this process and its future children: execute only `executables`, write only beneath `writable`.
    /// Irreversible. Throws when the kernel has no Landlock or refuses the rules.
    public static func confine(executables: [String], writable: [String]) throws(OSError) {
        let result: Int32 = withCStrings(executables) { exec in
            withCStrings(writable) { write in
                conclab_landlock_confine(exec.baseAddress, Int32(executables.count), write.baseAddress, Int32(writable.count))
            }
        }
        if result != 0 { throw OSError("landlock", errno: errno) }
    }

    /// Resource limits for a contained process and its children (each child has limits of its own, equal to these):
    /// no file larger than `fileSize` bytes (a write past it fails with EFBIG: SIGXFSZ, which would kill the writer,
    /// is ignored), at most `addressSpace` bytes of address space (an allocation past it fails instead of taking the
    /// machine's memory), at most `cpuSeconds` of CPU time, and no core dumps. A process cannot raise a limit it
    /// lowered. (RLIMIT_NPROC is left alone: root ignores it, and it counts every process of the user.)
    public static func limitResources(fileSize: Int, addressSpace: Int, cpuSeconds: Int) throws(OSError) {
        signal(SIGXFSZ, SIG_IGN)
        var memory = rlimit(rlim_cur: rlim_t(addressSpace), rlim_max: rlim_t(addressSpace))
        _ = try valueOrErrno("setrlimit", subject: "the address space limit") { setrlimit(__rlimit_resource_t(RLIMIT_AS.rawValue), &memory) }
        var cpu = rlimit(rlim_cur: rlim_t(cpuSeconds), rlim_max: rlim_t(cpuSeconds))
        _ = try valueOrErrno("setrlimit", subject: "the CPU time limit") { setrlimit(__rlimit_resource_t(RLIMIT_CPU.rawValue), &cpu) }
        var size = rlimit(rlim_cur: rlim_t(fileSize), rlim_max: rlim_t(fileSize))
        _ = try valueOrErrno("setrlimit", subject: "the file size limit") { setrlimit(__rlimit_resource_t(RLIMIT_FSIZE.rawValue), &size) }
        var core = rlimit(rlim_cur: 0, rlim_max: 0)
        _ = try valueOrErrno("setrlimit", subject: "the core dump limit") { setrlimit(__rlimit_resource_t(RLIMIT_CORE.rawValue), &core) }
    }

    /// This process's file size limit in bytes (RLIMIT_FSIZE), or nil when there is none.
    public static var fileSizeLimit: Int? {
        var size = rlimit()
        guard getrlimit(__rlimit_resource_t(RLIMIT_FSIZE.rawValue), &size) == 0, size.rlim_cur != rlim_t.max else { return nil }
        return Int(clamping: size.rlim_cur)
    }

    private static func withCStrings<R>(_ strings: [String], _ body: (UnsafeBufferPointer<UnsafePointer<CChar>?>) -> R) -> R {
        let copies = strings.map { strdup($0) }
        defer { for copy in copies { free(copy) } }
        let pointers = copies.map { UnsafePointer($0) }
        return pointers.withUnsafeBufferPointer { body($0) }
    }
}

extension System {
    /// Sets an environment variable of this process (its children inherit it).
    public static func setEnvironment(_ name: String, _ value: String) {
        setenv(name, value, 1)
    }
}
