import LabCore

/// `import` and `from … import …`: parsed into `ImportAlias` lists and compiled as CPython 3.11 compiles them
/// (`LOAD_CONST 0`, `LOAD_CONST <fromlist>`, `IMPORT_NAME`, then `STORE_NAME`/`STORE_FAST`, or `IMPORT_FROM` for
/// each name and a `POP_TOP`, or `IMPORT_STAR`).
extension Parser {
    package mutating func dottedName() throws(PySyntaxError) -> String {
        var parts = [try name()]
        while accept(".") { parts.append(try name()) }
        return parts.joined(separator: ".")
    }

    package mutating func importStatement() throws(PySyntaxError) -> Stmt {
        let pos = position
        if acceptKeyword("import") {
            var aliases: [ImportAlias] = []
            repeat {
                let module = try dottedName()
                aliases.append(ImportAlias(name: module, asName: acceptKeyword("as") ? try name() : nil))
            } while accept(",")
            return Stmt(kind: .importModules(aliases), position: pos)
        }
        advance() // from
        if isOp(".") { throw error("relative imports are not supported: conclab's Python has no packages of its own", at: pos) }
        let module = try dottedName()
        guard acceptKeyword("import") else { throw error("invalid syntax: expected 'import'" + describeCurrent()) }
        if accept("*") {
            if functionDepth > 0 { throw error("import * only allowed at module level", at: pos) }
            return Stmt(kind: .importFrom(module, [ImportAlias(name: "*", asName: nil)]), position: pos)
        }
        let parenthesised = accept("(")
        var aliases: [ImportAlias] = []
        repeat {
            if parenthesised && isOp(")") { break }
            let n = try name()
            aliases.append(ImportAlias(name: n, asName: acceptKeyword("as") ? try name() : nil))
        } while accept(",")
        if parenthesised { try expect(")") }
        return Stmt(kind: .importFrom(module, aliases), position: pos)
    }
}

extension Compiler {
    package mutating func importModules(_ aliases: [ImportAlias]) throws(PySyntaxError) {
        for alias in aliases {
            try loadConstant(.int(0))
            try loadConstant(.none)
            try emit(.importName, runtime.intern(alias.name))
            let parts = alias.name.split(separator: ".").map(String.init)
            if let asName = alias.asName {
                // `import a.b.c as d`: 3.11 walks down with IMPORT_FROM, keeping the last one.
                for (i, part) in parts.dropFirst().enumerated() {
                    try emit(.importFrom, runtime.intern(part))
                    if i < parts.count - 2 {
                        try emit(.swap, 2)
                        try emit(.popTop)
                    }
                }
                try store(asName)
                if parts.count > 1 { try emit(.popTop) }
            } else {
                try store(parts[0])
            }
        }
    }

    package mutating func importFrom(_ module: String, _ aliases: [ImportAlias]) throws(PySyntaxError) {
        try loadConstant(.int(0))
        try loadConstant(runtime.constantTuple(aliases.map { runtime.constant($0.name) }))
        try emit(.importName, runtime.intern(module))
        if aliases.count == 1 && aliases[0].name == "*" {
            guard unit.kind == .module else { throw error("import * only allowed at module level") }
            try emit(.importStar)
            return
        }
        for alias in aliases {
            try emit(.importFrom, runtime.intern(alias.name))
            try store(alias.asName ?? alias.name)
        }
        try emit(.popTop)
    }
}
