import LabKit

// Worker mode comes first, before any argument parsing, so a worker starts as fast as the binary can.
if CommandLine.arguments.count > 1 && CommandLine.arguments[1] == WorkerMode.flag {
    WorkerMode.main(Array(CommandLine.arguments.dropFirst(2)))
}
ConclabCommand.main()
