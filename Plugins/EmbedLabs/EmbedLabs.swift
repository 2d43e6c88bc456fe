import Foundation
import PackagePlugin

/// Compiles the lab files into the target it is applied to: the tool writes every `Labs/<language>/*.md` of the
/// package into a generated `BuiltInLabFiles.all`, so a binary copied alone still has its labs.
///
/// The source cannot go stale: the lab files are the command's inputs (an edit reruns it), and the target holds a
/// link to `Labs/` (excluded from its sources), so SwiftPM, which watches the folders of its targets, plans the
/// build again when a lab is added or removed, and the plugin then lists the files afresh. (Without the link a new
/// lab went unseen until something else changed the plan.) The tool reads the folder itself rather than a list, and
/// rewrites the source only when its text changes.
@main
struct EmbedLabs: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let labs = context.package.directoryURL.appending(path: "Labs")
        let output = context.pluginWorkDirectoryURL.appending(path: "BuiltInLabFiles.swift")
        return [.buildCommand(
            displayName: "Embedding the labs of \(labs.path(percentEncoded: false))",
            executable: try context.tool(named: "LabEmbedder").url,
            arguments: [output.path(percentEncoded: false), labs.path(percentEncoded: false)],
            inputFiles: try labFiles(in: labs),
            outputFiles: [output])]
    }

    /// `Labs/<language>/*.md`: what the tool embeds.
    private func labFiles(in labs: URL) throws -> [URL] {
        let manager = FileManager.default
        var files: [URL] = []
        for language in try manager.contentsOfDirectory(atPath: labs.path(percentEncoded: false)).sorted() {
            let folder = labs.appending(path: language)
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: folder.path(percentEncoded: false), isDirectory: &isDirectory), isDirectory.boolValue else { continue }
            for name in try manager.contentsOfDirectory(atPath: folder.path(percentEncoded: false)).sorted() where name.hasSuffix(".md") {
                files.append(folder.appending(path: name))
            }
        }
        return files
    }
}
