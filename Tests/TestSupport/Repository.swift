/// This repository's folder (the one holding Package.swift, Labs/ and .build/), for tests that read its labs or
/// start its built binary: three levels above this file.
public enum Repository {
    public static let root: String =
        String(#filePath).split(separator: "/", omittingEmptySubsequences: false).dropLast(3).joined(separator: "/")
}
