import LabKit
import LabCore
import LabTopics
import LabGuide

// Worker mode comes first, before any argument parsing, so a worker starts as fast as the binary can.
if CommandLine.arguments.count > 1 && CommandLine.arguments[1] == WorkerMode.flag {
    WorkerMode.main(Array(CommandLine.arguments.dropFirst(2)))
}
if CommandLine.arguments.count > 1 && CommandLine.arguments[1] == IPCWorkerMode.flag { IPCWorkerMode.main(Array(CommandLine.arguments.dropFirst(2))) }
if CommandLine.arguments.count > 1 && CommandLine.arguments[1] == IOWorkerMode.flag { IOWorkerMode.main(Array(CommandLine.arguments.dropFirst(2))) }
if CommandLine.arguments.count == 2 && CommandLine.arguments[1] == ForkServerMode.flag {
    ForkServerMode.main()
}
// Workers and the fork server are copies of this program.
WorkerMode.useExecutable()
// The labs compiled in (see Plugins/EmbedLabs); a folder of labs adds to them.
LabCatalog.builtIn = BuiltInLabFiles.all.map { LabCatalog.BuiltInFile(path: $0.path, text: $0.text) }
// `conclab --json run FILE`: options written before a subcommand belong to it (the parser would give them
// to the default shell mode otherwise).
var arguments = Array(CommandLine.arguments.dropFirst())
if let index = arguments.firstIndex(where: { ConclabCommand.subcommandNames.contains($0) }), index > 0,
   arguments[..<index].allSatisfy({ $0.hasPrefix("-") || LabLanguage(rawValue: $0) != nil }) {
    let leading = Array(arguments[..<index])
    arguments.removeSubrange(..<index)
    arguments.insert(contentsOf: leading, at: 1)
}
// `conclab help proc`: help on a command of the shell (`conclab help run`, on a subcommand, is the parser's).
if arguments.count > 1, arguments[0] == "help", !ConclabCommand.subcommandNames.contains(arguments[1]) {
    arguments = ["shell"] + arguments
}
ConclabCommand.run(arguments)
