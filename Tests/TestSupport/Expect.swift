import Testing

/// `#expect(actual == expected)` as a function: the macro is expanded once, here, instead of at every call, which
/// keeps the test targets' build short; a failure still shows both values and the caller's line.
public func expectEqual<T: Equatable>(_ actual: T, _ expected: T, _ comment: @autoclosure () -> Comment? = nil,
                                      sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(actual == expected, comment(), sourceLocation: sourceLocation)
}
