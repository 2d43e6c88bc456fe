import Testing
import TestSupport
import LabKit
import LabCore
import PyLab
import LabTopics
import LabGuide

@Suite struct TokenizerTests {
    @Test(arguments: [
        ("", [String]()),
        ("   ", []),
        ("echo", ["echo"]),
        ("  a  b\tc\n", ["a", "b", "c"]),
        ("'a b' c", ["a b", "c"]),
        ("\"a b\"", ["a b"]),
        ("'it''s'", ["its"]),
        ("x'y z'w", ["xy zw"]),
        ("''", [""]),
        ("'' x", ["", "x"]),
        ("'a\\b'", ["a\\b"]),
        ("\"say \\\"hi\\\"\"", ["say \"hi\""]),
        ("\"back\\\\slash\"", ["back\\slash"]),
        ("\"keep \\n\"", ["keep \\n"]),
        ("\"it's\"", ["it's"]),
        ("'say \"hi\"'", ["say \"hi\""]),
        ("a\\ b", ["a b"]),
        ("\\'x", ["'x"]),
        ("echo hi # a comment", ["echo", "hi"]),
        ("# only a comment", []),
        ("a#b", ["a#b"]),
        ("'#not' \"#comment\"", ["#not", "#comment"]),
        ("\\#x", ["#x"]),
    ])
    func splitsWords(_ line: String, _ expected: [String]) throws {
        #expect(try Tokenizer.split(line).map(\.text) == expected)
    }

    @Test func recordsWordStartsInCharacters() throws {
        let split = try Tokenizer.split("echo  \"a b\" ünï 'c'")
        expectEqual(split.map(\.text), ["echo", "a b", "ünï", "c"])
        expectEqual(split.map(\.start), [0, 6, 12, 16])
        expectEqual(split.map(\.quoted), [false, true, false, true])
    }

    @Test func pipesSeparateStages() throws {
        let split = try Tokenizer.split("proc list | where pid > 0")
        expectEqual(split.map(\.text), ["proc", "list", "|", "where", "pid", ">", "0"])
        expectEqual(split.map(\.isPipe), [false, false, true, false, false, false, false])
        expectEqual(split[2].start, 10)
    }

    @Test(arguments: ["echo '|'", "echo \"|\"", "echo \\|"])
    func quotedPipeIsAWord(_ line: String) throws {
        let split = try Tokenizer.split(line)
        expectEqual(split.map(\.text), ["echo", "|"])
        #expect(split.allSatisfy { !$0.isPipe })
    }

    @Test(arguments: [("echo 'abc", "unterminated single quote"),
                      ("echo \"abc", "unterminated double quote"),
                      ("'", "unterminated single quote")])
    func unterminatedQuoteIsAnError(_ line: String, _ message: String) {
        #expect(throws: TokenizeError(message: message)) { try Tokenizer.split(line) }
    }

    @Test func unterminatedQuoteAllowedForCompletion() throws {
        let split = try Tokenizer.split("open '/tmp/my fi", allowUnterminated: true)
        expectEqual(split.map(\.text), ["open", "/tmp/my fi"])
        expectEqual(split[1].start, 5)
        #expect(split[1].quoted)
    }

    @Test(arguments: ["plain", "a b", "it's", "", "'", "\"", "$x", "#c", "a|b", "|", "back\\slash",
                      "tab\there", "new\nline", "ünïcode", "--flag=x", "a'b\"c\\d", "  "])
    func quoteRoundTrips(_ word: String) throws {
        let split = try Tokenizer.split(Tokenizer.quote(word))
        expectEqual(split.map(\.text), [word])
        #expect(split.allSatisfy { !$0.isPipe })
    }

    @Test(arguments: [("plain", "plain"), ("10_000", "10_000"), ("a b", "'a b'"), ("", "''"), ("it's", "'it'\\''s'")])
    func quoteLeavesSafeWordsBare(_ word: String, _ quoted: String) {
        expectEqual(Tokenizer.quote(word), quoted)
    }
}
