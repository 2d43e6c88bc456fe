#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Darwin)
@preconcurrency import Darwin
#endif

// The tool the EmbedLabs plugin runs: `LabEmbedder OUTPUT LABS_FOLDER` writes OUTPUT, a Swift source holding the path
// under LABS_FOLDER and the text of each lab file (`<language>/*.md`, FORMAT.md and README.md aside) as string
// literals. It uses libc alone, not Foundation, so it builds with any flags of the build (the static release's too).

/// `text` as a Swift string literal: quotes, backslashes and control characters escaped, everything else as it is.
func literal(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\t": out += "\\t"
        case "\r": out += "\\r"
        case _ where scalar.value < 0x20 || scalar.value == 0x7F:
            out += "\\u{" + String(scalar.value, radix: 16) + "}"
        default: out.unicodeScalars.append(scalar)
        }
    }
    return out + "\""
}

func fail(_ message: String) -> Never {
    fputs("LabEmbedder: \(message)\n", stderr)
    exit(1)
}

/// The whole file as text (invalid UTF-8 becomes U+FFFD, which lint then reports in the lab); nil if it does not exist.
func readText(_ path: String) -> String? {
    guard let file = fopen(path, "rb") else {
        if errno == ENOENT { return nil }
        fail("cannot read \(path): \(String(cString: strerror(errno)))")
    }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = fread(&buffer, 1, buffer.count, file)
        bytes += buffer[0..<n]
        if n < buffer.count {
            if ferror(file) != 0 { fail("cannot read \(path)") }
            return String(decoding: bytes, as: UTF8.self)
        }
    }
}

/// The names in a folder, sorted; none if it is not a folder.
func names(in folder: String) -> [String] {
    guard let dir = opendir(folder) else { return [] }
    defer { closedir(dir) }
    var result: [String] = []
    while let entry = readdir(dir) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        if !name.hasPrefix(".") { result.append(name) }
    }
    return result.sorted()
}

/// The generated source: one entry per lab file of `folder`.
func source(of folder: String) -> String {
    var source = """
        // Generated at build time by the EmbedLabs plugin from the Labs folder; edit the lab files, not this.

        /// The lab files compiled into conclab: their paths under Labs/ and their text.
        enum BuiltInLabFiles {
            static let all: [(path: String, text: String)] = [

        """
    for language in names(in: folder) {
        for name in names(in: folder + language) where name.hasSuffix(".md") && name != "FORMAT.md" && name != "README.md" {
            let path = language + "/" + name
            guard let text = readText(folder + path) else { fail("\(folder + path) went away while it was read") }
            source += "        (path: \(literal(path)), text: \(literal(text))),\n"
        }
    }
    return source + "    ]\n}\n"
}

let arguments = CommandLine.arguments
guard arguments.count == 3 else {
    fputs("usage: LabEmbedder OUTPUT LABS_FOLDER\n", stderr)
    exit(2)
}
let output = arguments[1]
let text = source(of: arguments[2].hasSuffix("/") ? arguments[2] : arguments[2] + "/")
// Unchanged text is not written again, so the target is not compiled again.
if readText(output) == text { exit(0) }
// Written beside, then renamed: a build stopped half-way leaves the previous source whole.
let temporary = output + ".tmp"
guard let file = fopen(temporary, "wb") else { fail("cannot write \(temporary): \(String(cString: strerror(errno)))") }
let bytes = Array(text.utf8)
let written = fwrite(bytes, 1, bytes.count, file)
if fclose(file) != 0 || written != bytes.count { fail("cannot write \(temporary)") }
if rename(temporary, output) != 0 { fail("cannot rename \(temporary) to \(output): \(String(cString: strerror(errno)))") }
