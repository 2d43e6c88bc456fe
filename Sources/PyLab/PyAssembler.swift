import LabCore

/// What CPython 3.11's assembler does between the compiler and the code object (`assemble()` in `compile.c`),
/// the part `dis` shows:
///
/// - a constant test is decided (`while True:` has no test; `if 0:` jumps over its body), `x is None` before a
///   jump becomes `POP_JUMP_IF_NONE`/`_NOT_NONE`, and `BUILD_TUPLE n; UNPACK_SEQUENCE n` (`a, b = b, a`) a `SWAP`;
/// - a `NOP` goes unless it is the only instruction of its line;
/// - an unconditional jump to the implicit `return None` becomes a copy of it, code nothing reaches goes, a jump
///   to the next instruction goes, and each conditional jump to the implicit return gets its own copy;
/// - a jump points `_FORWARD_` or `_BACKWARD_` by where its target ended up.
///
/// The code is cut into basic blocks (a block ends at a jump, a return or a raise, and starts where a jump or a
/// handler lands); jumps name blocks, so blocks can be copied, dropped and moved while targets stay right.
package struct PyAssembler {
    package struct Instruction {
        package var op: Op
        package var arg: Int
        /// The block a jump goes to (for jumps only).
        package var target: Int
        package var position: SourcePosition
        /// The exception regions that cover it (indices into `regions`).
        package var regions: [Int]
        package var hasLine: Bool { position.line >= 0 }
    }

    package struct Block {
        package var instructions: [Instruction]
        package var live = true
        package var last: Instruction? { instructions.last }
        /// Control may go on to the next block.
        package var fallsThrough: Bool { !(last?.op.isTerminal ?? false) }
        /// Ends with a return or a raise and nothing in it has a line: 3.11's implicit `return None`.
        package var isExitWithoutLine: Bool {
            guard let last, last.op.exitsScope else { return false }
            return instructions.allSatisfy { !$0.hasLine }
        }
    }

    package struct Region {
        package var handler: Int // block
        package var depth: Int
        package var level: Int
    }

    /// 3.11's `MAX_COPY_SIZE`: the longest exit block a jump is replaced with.
    package static let maxCopySize = 4

    package var blocks: [Block] = []
    /// Layout order: block numbers as they will be laid out.
    package var order: [Int] = []
    package var regions: [Region] = []

    /// Cuts compiled code (jump arguments are instruction numbers) into blocks.
    package init(instructions: [UInt32], positions: [SourcePosition],
                 regions regionList: [(handler: Int, depth: Int, level: Int, ranges: [(Int, Int)])]) throws(PySyntaxError) {
        let count = instructions.count
        var covering = [[Int]](repeating: [], count: count)
        for (r, region) in regionList.enumerated() {
            for (start, end) in region.ranges {
                for pc in max(0, start)..<min(end, count) { covering[pc].append(r) }
            }
        }
        var leader = [Bool](repeating: false, count: count + 1)
        leader[0] = true
        for pc in 0..<count {
            let op = CodeObject.op(instructions[pc])
            if op.isJump {
                let target = CodeObject.arg(instructions[pc])
                guard target >= 0 && target < count else {
                    throw PySyntaxError(message: "internal compiler error: a jump out of the code", position: .unknown)
                }
                leader[target] = true
            }
            if op.isJump || op.isTerminal { leader[pc + 1] = true }
        }
        for region in regionList {
            guard region.handler >= 0 && region.handler < count else {
                throw PySyntaxError(message: "internal compiler error: a handler out of the code", position: .unknown)
            }
            leader[region.handler] = true
        }
        var blockOf = [Int](repeating: 0, count: count)
        var current = -1
        for pc in 0..<count {
            if leader[pc] {
                blocks.append(Block(instructions: []))
                current += 1
            }
            blockOf[pc] = current
        }
        for pc in 0..<count {
            let word = instructions[pc]
            let op = CodeObject.op(word)
            let arg = CodeObject.arg(word)
            blocks[blockOf[pc]].instructions.append(Instruction(
                op: op, arg: op.isJump ? 0 : arg, target: op.isJump ? blockOf[arg] : -1,
                position: pc < positions.count ? positions[pc] : .unknown, regions: covering[pc]))
        }
        order = Array(blocks.indices)
        regions = regionList.map { Region(handler: blockOf[$0.handler], depth: $0.depth, level: $0.level) }
    }

    // MARK: the passes, in 3.11's order

    package mutating func optimize(constants: [PyValue]) {
        var layout = Layout(self)
        for (position, b) in order.enumerated() {
            peephole(b, constants: constants)
            clean(b, next: layout.nextNonEmpty[position])
        }
        layout = Layout(self)
        for b in order { extendWithExit(b, layout) }
        removeUnreachable()
        cleanAll()
        removeRedundantJumps()
        cleanAll()
        duplicateExitsWithoutLine()
        propagateLines()
    }

    /// Where each block is laid out, and for each place the first block after it that has instructions:
    /// computed once per pass, so a pass stays linear in the size of the code.
    package struct Layout {
        package var position: [Int]
        package var nextNonEmpty: [Int?]

        package init(_ a: PyAssembler) {
            position = [Int](repeating: -1, count: a.blocks.count)
            for (p, b) in a.order.enumerated() { position[b] = p }
            nextNonEmpty = [Int?](repeating: nil, count: a.order.count)
            var next: Int?
            for p in a.order.indices.reversed() {
                nextNonEmpty[p] = next
                if !a.blocks[a.order[p]].instructions.isEmpty { next = a.order[p] }
            }
        }

        /// Where a jump to `block` really lands: the block, or the first non-empty one after it.
        package func landing(_ block: Int, in a: PyAssembler) -> Int? {
            if !a.blocks[block].instructions.isEmpty { return block }
            let p = position[block]
            return p >= 0 ? nextNonEmpty[p] : nil
        }
    }

    /// 3.11's `optimize_basic_block`, the rules conclab's code meets.
    private mutating func peephole(_ b: Int, constants: [PyValue]) {
        var ins = blocks[b].instructions
        var i = 0
        while i < ins.count {
            let next = i + 1 < ins.count ? ins[i + 1].op : nil
            switch ins[i].op {
            case .loadConst where next == .popJumpForwardIfFalse || next == .popJumpForwardIfTrue:
                guard ins[i].arg < constants.count, let truth = Compiler.constantTruth(constants[ins[i].arg]) else { break }
                ins[i].op = .nop
                if truth == (next == .popJumpForwardIfTrue) {
                    ins[i + 1].op = .jumpForward
                } else {
                    ins[i + 1].op = .nop
                }
            case .loadConst where (next == .isOp || next == .isNotOp) && i + 2 < ins.count
                && (ins[i + 2].op == .popJumpForwardIfFalse || ins[i + 2].op == .popJumpForwardIfTrue):
                guard ins[i].arg < constants.count, constants[ins[i].arg] == .none else { break }
                var invert = next == .isNotOp
                if ins[i + 2].op == .popJumpForwardIfFalse { invert.toggle() }
                ins[i].op = .nop
                ins[i + 1].op = .nop
                ins[i + 2].op = invert ? .popJumpForwardIfNotNone : .popJumpForwardIfNone
            case .buildTuple where next == .unpackSequence && ins[i + 1].arg == ins[i].arg:
                switch ins[i].arg {
                case 1:
                    ins[i].op = .nop
                    ins[i + 1].op = .nop
                case 2, 3:
                    ins[i].op = .nop
                    ins[i + 1].op = .swap
                default: break
                }
            default: break
            }
            i += 1
        }
        blocks[b].instructions = ins
    }

    /// 3.11's `clean_basic_block`: a `NOP` stays only when it is the one instruction of its line (one without a
    /// line goes; one followed by an instruction without a line gives it its line and goes).
    private mutating func clean(_ b: Int, next: Int?) {
        var ins = blocks[b].instructions
        var kept: [Instruction] = []
        var previousLine = -1
        for k in ins.indices {
            let line = ins[k].position.line
            if ins[k].op == .nop {
                if line < 0 || previousLine == line { continue }
                if k < ins.count - 1 {
                    let nextLine = ins[k + 1].position.line
                    if nextLine < 0 || nextLine == line {
                        ins[k + 1].position = ins[k].position
                        continue
                    }
                } else if let next, blocks[next].instructions.first?.position.line == line {
                    continue
                }
            }
            previousLine = line
            kept.append(ins[k])
        }
        blocks[b].instructions = kept
    }

    private mutating func cleanAll() {
        let layout = Layout(self)
        for (position, b) in order.enumerated() { clean(b, next: layout.nextNonEmpty[position]) }
    }

    /// 3.11's `extend_block`: an unconditional jump to a short exit block without a line is replaced by a copy
    /// of that block (so `if … else …` at the end of a module ends each branch with its own `return None`).
    private mutating func extendWithExit(_ b: Int, _ layout: Layout) {
        guard let last = blocks[b].last, last.op == .jumpForward || last.op == .jumpBackward,
              let target = layout.landing(last.target, in: self) else { return }
        let exit = blocks[target]
        guard exit.isExitWithoutLine, exit.instructions.count <= Self.maxCopySize else { return }
        blocks[b].instructions[blocks[b].instructions.count - 1].op = .nop
        for var copy in exit.instructions {
            copy.regions = last.regions
            blocks[b].instructions.append(copy)
        }
    }

    /// The blocks control can reach: from the entry, along fall-throughs and jumps, and into the handler of any
    /// region a reachable instruction is in.
    private func reachable() -> Set<Int> {
        let layout = Layout(self)
        var seen: Set<Int> = []
        var work: [Int] = order.first.map { [$0] } ?? []
        while let b = work.popLast() {
            guard seen.insert(b).inserted else { continue }
            let block = blocks[b]
            for instruction in block.instructions {
                if instruction.op.isJump { work.append(instruction.target) }
                for r in instruction.regions { work.append(regions[r].handler) }
            }
            let p = layout.position[b]
            if block.fallsThrough, p >= 0, p + 1 < order.count { work.append(order[p + 1]) }
        }
        return seen
    }

    private mutating func removeUnreachable() {
        let live = reachable()
        for b in order where !live.contains(b) {
            blocks[b].instructions = []
            blocks[b].live = false
        }
    }

    /// 3.11: an unconditional jump to the very next instruction goes (its `NOP` keeps a line that has nothing else).
    private mutating func removeRedundantJumps() {
        let layout = Layout(self)
        for (position, b) in order.enumerated() {
            guard let last = blocks[b].last, last.op == .jumpForward || last.op == .jumpBackward else { continue }
            if layout.landing(last.target, in: self) == layout.nextNonEmpty[position] {
                blocks[b].instructions[blocks[b].instructions.count - 1].op = .nop
            }
        }
    }

    /// How many ways control comes into each block (fall-through and jumps).
    private func predecessors(_ layout: Layout) -> [Int: Int] {
        var count: [Int: Int] = [:]
        for (position, b) in order.enumerated() where !blocks[b].instructions.isEmpty {
            let block = blocks[b]
            if block.fallsThrough, let next = layout.nextNonEmpty[position] { count[next, default: 0] += 1 }
            if let last = block.last, last.op.isJump, let target = layout.landing(last.target, in: self) { count[target, default: 0] += 1 }
        }
        return count
    }

    /// 3.11's `duplicate_exits_without_lineno`: a jump to the implicit `return None` that other paths also reach
    /// gets a copy of its own, placed right after it (so the copy can take the jump's line).
    private mutating func duplicateExitsWithoutLine() {
        let layout = Layout(self)
        var count = predecessors(layout)
        // Copies go right after the block they copy; collected first, laid out at the end (the blocks already
        // there keep their numbers, so the layout computed above stays right while deciding).
        var copiesAfter: [Int: [Int]] = [:]
        for b in order where !blocks[b].instructions.isEmpty {
            guard let last = blocks[b].last, last.op.isJump, let target = layout.landing(last.target, in: self),
                  blocks[target].isExitWithoutLine, count[target, default: 0] > 1 else { continue }
            blocks.append(Block(instructions: blocks[target].instructions))
            let copy = blocks.count - 1
            copiesAfter[target, default: []].insert(copy, at: 0)
            blocks[b].instructions[blocks[b].instructions.count - 1].target = copy
            count[target, default: 0] -= 1
        }
        guard !copiesAfter.isEmpty else { return }
        order = order.flatMap { [$0] + (copiesAfter[$0] ?? []) }
    }

    /// 3.11's `propagate_line_numbers`: an instruction without a line takes the one before it in its block; a
    /// block with one way in and no line at its start takes the line control comes from.
    private mutating func propagateLines() {
        let layout = Layout(self)
        let count = predecessors(layout)
        for (position, b) in order.enumerated() where !blocks[b].instructions.isEmpty {
            var previous = SourcePosition(line: -1, column: 0)
            for k in blocks[b].instructions.indices {
                if blocks[b].instructions[k].hasLine {
                    previous = blocks[b].instructions[k].position
                } else {
                    blocks[b].instructions[k].position = previous
                }
            }
            guard previous.line >= 0, let last = blocks[b].last else { continue }
            var successors: [Int] = []
            if blocks[b].fallsThrough, let next = layout.nextNonEmpty[position] { successors.append(next) }
            if last.op.isJump, let target = layout.landing(last.target, in: self) { successors.append(target) }
            for s in successors where count[s] == 1 && !(blocks[s].instructions.first?.hasLine ?? true) {
                blocks[s].instructions[0].position = previous
            }
        }
    }

    // MARK: laying out

    /// The code as instruction words (jump arguments are instruction numbers again, each jump pointing the way
    /// its target lies), a position per instruction, and the exception table.
    package func assemble(firstLine: Int) throws(PySyntaxError) -> (instructions: [UInt32], positions: [SourcePosition], exceptionTable: [ExceptionEntry]) {
        let layout = Layout(self)
        var start: [Int: Int] = [:]
        var laid: [Instruction] = []
        for b in order where !blocks[b].instructions.isEmpty {
            start[b] = laid.count
            laid += blocks[b].instructions
        }
        func index(of block: Int) throws(PySyntaxError) -> Int {
            guard let target = layout.landing(block, in: self), let i = start[target] else {
                throw PySyntaxError(message: "internal compiler error: a jump to nothing", position: .unknown)
            }
            return i
        }
        var words: [UInt32] = []
        var positions: [SourcePosition] = []
        var lastLine = firstLine
        for (i, instruction) in laid.enumerated() {
            var op = instruction.op
            var arg = instruction.arg
            if op.isJump {
                arg = try index(of: instruction.target)
                op = op.pointing(backward: arg <= i)
            }
            guard arg >= 0 && arg < 1 << 24 else { throw PySyntaxError(message: "the snippet is too large to compile", position: .unknown) }
            words.append(UInt32(op.rawValue) | UInt32(arg) << 8)
            var position = instruction.position
            if position.line < 0 { position = SourcePosition(line: lastLine, column: 0) }
            lastLine = position.line
            positions.append(position)
        }
        // Each region's runs of consecutive instructions it covers, in one pass.
        var table: [ExceptionEntry] = []
        var open: [Int: Int] = [:]
        func close(_ r: Int, at end: Int) throws(PySyntaxError) {
            guard let begin = open.removeValue(forKey: r) else { return }
            let region = regions[r]
            table.append(ExceptionEntry(start: begin, end: end, handler: try index(of: region.handler), depth: region.depth, level: region.level))
        }
        for (i, instruction) in laid.enumerated() {
            for r in open.keys.sorted() where !instruction.regions.contains(r) { try close(r, at: i) }
            for r in instruction.regions where open[r] == nil { open[r] = i }
        }
        for r in open.keys.sorted() { try close(r, at: laid.count) }
        return (words, positions, table)
    }
}
