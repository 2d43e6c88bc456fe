import Foundation
import LabOS
import Testing
import TestSupport

extension EndToEnd {
    /// conclab as a program on the command line: help for every subcommand, exit statuses, and one shell command
    /// given as arguments.
    @Suite(.serialized, .timeLimit(.minutes(2)))
    struct CommandLineTests {
        @Test("conclab help SUB prints that subcommand's help", arguments: ["shell", "run", "replay", "lint"])
        func helpOnSubcommand(subcommand: String) throws {
            let result = try runConclab(["help", subcommand])
            expectEqual(result.status, 0, "\(result)")
            #expect(result.stdout.contains("USAGE: conclab \(subcommand)"), "\(result)")
            let viaFlag = try runConclab([subcommand, "--help"])
            expectEqual(viaFlag.stdout, result.stdout, "'help \(subcommand)' and '\(subcommand) --help' differ")
        }

        @Test("conclab help proc prints the shell's help on proc, not the top-level help")
        func helpOnShellCommand() throws {
            let result = try runConclab(["help", "proc"])
            expectEqual(result.status, 0, "\(result)")
            #expect(result.stdout.hasPrefix("proc"), "\(result)")
            #expect(result.stdout.contains("spawn"), "\(result)")
            #expect(!result.stdout.contains("SUBCOMMANDS"), "\(result)")
        }

        @Test("--help lists the global options and the exit statuses")
        func helpListsGlobalOptions() throws {
            let result = try runConclab(["--help"])
            expectEqual(result.status, 0, "\(result)")
            let help = result.stdout
            let global = try #require(help.range(of: "Global options"), "\(help)")
            let section = help[global.upperBound...].components(separatedBy: "\n\n")[0]
            // The options the shell mode declares, as its own help lists them.
            let shell = try runConclab(["shell", "--help"])
            for option in ["--json", "--no-color", "--lang <en|ru>"] {
                #expect(shell.stdout.contains("  \(option) "), "the shell has no \(option):\n\(shell.stdout)")
                #expect(section.contains("  \(option) "), "'\(option)' is not under 'Global options':\n\(help)")
            }
            for status in ["0 when everything succeeded", "1 when a command or a check", "2 for a usage error", "130 when Ctrl-C"] {
                #expect(help.replacingOccurrences(of: "\n", with: " ").contains(status), "'\(status)' missing:\n\(help)")
            }
        }

        @Test("usage errors exit with status 2 and show the usage", arguments: [
            ["--bogus"], ["--lang", "xx"], ["run"], ["replay"], ["lint"], ["run", "a", "b"],
            ["nosuchcommand"], ["sleep", "abc"], ["--json", "--bogus", "x"],
        ])
        func usageErrorsExitTwo(arguments: [String]) throws {
            let result = try runConclab(arguments)
            expectEqual(result.status, 2, "\(arguments): \(result)")
            #expect(result.stderr.lowercased().contains("usage") || result.stderr.contains("Unknown command"), "\(result)")
            #expect(result.stdout.isEmpty, "\(result)")
        }

        @Test("a script or a folder that cannot be read is a failure (status 1), not a usage error")
        func unreadableInputExitsOne() throws {
            let missing = try runConclab(["run", "/nonexistent/conclab-script"])
            expectEqual(missing.status, 1, "\(missing)")
            #expect(missing.stderr.contains("cannot read /nonexistent/conclab-script: no such file"), "\(missing)")
            #expect(!missing.stderr.contains("Usage"), "\(missing)")
            let empty = try TemporaryDirectory("nolabs")
            defer { empty.remove() }
            let lint = try runConclab(["lint", empty.path])
            expectEqual(lint.status, 1, "\(lint)")
            #expect(lint.stderr.contains("no lab files found in \(empty.path)"), "\(lint)")
        }

        @Test("words after conclab run as one shell command: output as at the prompt, no echo, status by outcome")
        func oneCommand() throws {
            let echo = try runConclab(["echo", "a  b", "|x"])
            expectEqual(echo.status, 0, "\(echo)")
            expectEqual(echo.stdout, "a  b |x\n", "each argument stays one word, quoted as needed: \(echo)")
            let json = try runConclab(["--json", "echo", "hi"])
            expectEqual(json.status, 0, "\(json)")
            let objects = try jsonLines(json)
            #expect(objects.count == 1 && objects.first?["command"] as? String == "echo hi", "\(json)")
            let failed = try runConclab(["close", "p99"])
            expectEqual(failed.status, 1, "a command that fails (not a usage error) gives 1: \(failed)")
            #expect(failed.stderr.contains("p99"), "\(failed)")
        }
    }
}
