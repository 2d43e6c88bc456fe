import LabCore
import PyLab
/// Self-contained SVG and HTML files (no network, no external script): the timeline, or a bar chart of a result.
public enum ChartExport {
    package static func escape(_ text: String) -> String {
        var out = ""
        for c in text {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(c)
            }
        }
        return out
    }

    package static func fill(_ state: RowState) -> String {
        switch state {
        case .running: return "#2e9e44"
        case .waitingGIL: return "#e0a100"
        case .waitingLock: return "#d33a2c"
        case .waitingCPU: return "#9b59b6"
        case .sleeping: return "#4a78c2"
        case .ended: return "#cccccc"
        }
    }

    /// The timeline as SVG: a row per actor (`<g class="row" data-actor=… data-id=…>`, with `data-ended-ns` when the
    /// actor ended within the span), a rect per segment with a hover title. Each rect carries its state and its
    /// span in nanoseconds from the chart's start (`data-state`, `data-start-ns`, `data-end-ns`), so a program (the
    /// browser test) can check the drawing against the events without measuring pixels.
    public static func timelineSVG(_ model: TimelineModel) -> String {
        let left = 90.0, plot = 900.0, rowHeight = 26.0, top = 30.0
        let height = top + rowHeight * Double(model.rows.count) + 50
        let span = Double(max(1, model.to - model.from))
        let (start, end) = model.axisLabels
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(left + plot + 20))\" height=\"\(Int(height))\" font-family=\"monospace\" font-size=\"12\""
        svg += " data-span-ns=\"\(model.to - model.from)\">\n"
        svg += "<text x=\"\(left)\" y=\"18\">\(escape(start))</text><text x=\"\(left + plot)\" y=\"18\" text-anchor=\"end\">\(escape(end))</text>\n"
        for (i, row) in model.rows.enumerated() {
            let y = top + rowHeight * Double(i)
            let id = row.processID.map { "pid \($0)" } ?? "tid \(row.threadID)"
            svg += "<g class=\"row\" data-actor=\"\(escape(row.actor))\" data-id=\"\(id)\""
            if let ended = row.endedAt { svg += " data-ended-ns=\"\(ended - model.from)\"" }
            svg += "><text x=\"4\" y=\"\(Format.fixed(y + 16, 1))\">\(escape(row.actor))</text>"
            for s in row.segments {
                let x = left + Double(s.start - model.from) / span * plot
                let w = max(0.5, Double(s.end - s.start) / span * plot)
                let what = "\(row.actor) (\(id)): \(s.state.rawValue) for \(Format.duration(nanoseconds: Double(s.end - s.start)))"
                    + " from \(Format.duration(nanoseconds: Double(s.start - model.origin)))" + (s.detail.isEmpty ? "" : " — \(s.detail)")
                svg += "<rect x=\"\(Format.fixed(x, 2))\" y=\"\(Format.fixed(y + 4, 1))\" width=\"\(Format.fixed(w, 2))\" height=\"\(Format.fixed(rowHeight - 8, 1))\" fill=\"\(fill(s.state))\""
                svg += " data-state=\"\(escape(s.state.rawValue))\" data-start-ns=\"\(s.start - model.from)\" data-end-ns=\"\(s.end - model.from)\"><title>\(escape(what))</title></rect>"
            }
            svg += "</g>\n"
        }
        var x = left
        let legendY = top + rowHeight * Double(model.rows.count) + 25
        let cpuWait: [RowState] = model.rows.contains { $0.time(in: .waitingCPU) > 0 } ? [.waitingCPU] : []
        for state in [RowState.running, .waitingGIL, .waitingLock, .sleeping] + cpuWait {
            svg += "<rect x=\"\(Format.fixed(x, 1))\" y=\"\(Format.fixed(legendY - 10, 1))\" width=\"12\" height=\"12\" fill=\"\(fill(state))\"/>"
            svg += "<text x=\"\(Format.fixed(x + 16, 1))\" y=\"\(Format.fixed(legendY, 1))\">\(state.rawValue)</text>"
            x += 190
        }
        return svg + "\n</svg>\n"
    }

    /// A horizontal bar chart of one numeric column of a table, labelled by another.
    public static func barsSVG(title: String, labels: [String], values: [Double], unit: String) -> String {
        let left = 220.0, plot = 600.0, barHeight = 24.0, top = 36.0
        let maxValue = max(values.max() ?? 1, 1e-12)
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(left + plot + 160))\" height=\"\(Int(top + barHeight * Double(values.count) + 20))\" font-family=\"monospace\" font-size=\"12\">\n"
        svg += "<text x=\"4\" y=\"20\" font-weight=\"bold\">\(escape(title))</text>\n"
        for (i, (label, value)) in zip(labels, values).enumerated() {
            let y = top + barHeight * Double(i)
            let w = max(1, value / maxValue * plot)
            svg += "<g class=\"row\" data-actor=\"\(escape(label))\"><text x=\"4\" y=\"\(Format.fixed(y + 16, 1))\">\(escape(label))</text>"
            svg += "<rect x=\"\(left)\" y=\"\(Format.fixed(y + 4, 1))\" width=\"\(Format.fixed(w, 2))\" height=\"\(Format.fixed(barHeight - 8, 1))\" fill=\"#2e9e44\"><title>\(escape(label)): \(Format.number(value)) \(escape(unit))</title></rect>"
            svg += "<text x=\"\(Format.fixed(left + w + 6, 1))\" y=\"\(Format.fixed(y + 16, 1))\">\(Format.number(value)) \(escape(unit))</text></g>\n"
        }
        return svg + "</svg>\n"
    }

    /// Wraps an SVG in a page that needs nothing else; its script only counts the rows into `data-rows`
    /// (what the browser test reads) and records any script error into `data-error`.
    public static func html(title: String, svg: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>\(escape(title))</title>
        <style>body{font-family:sans-serif;margin:1.5em} rect:hover{stroke:#000;stroke-width:1}</style>
        <script>window.onerror=function(m){document.documentElement.setAttribute('data-error',String(m));};</script>
        </head><body>
        <h1>\(escape(title))</h1>
        <p>Hover a bar for its details.</p>
        \(svg)
        <script>
        document.body.setAttribute('data-rows', String(document.querySelectorAll('g.row').length));
        </script>
        </body></html>

        """
    }
}
