import Foundation

/// report.html as a browser lays it out: Debian's headless Chromium loads a copy with a small
/// measuring script added (the report itself has none) and `--dump-dom` returns what it found:
/// whether the page scrolls sideways at the window's width, how many charts (SVG) it drew, and
/// which charts or tables stick out of the window.
public enum HTMLLayout {
    public struct Measure: Sendable {
        public var overflows: Bool
        public var charts: Int
        /// Titles (aria-label) of charts, or the first header of tables, wider than the window.
        public var wide: [String]
        public var chartTitles: [String]
    }

    public static let chromium = "/usr/bin/chromium"

    public static func measure(htmlFile: String, width: Int = 1280) throws -> Measure {
        guard FileManager.default.isExecutableFile(atPath: chromium) else {
            throw LayoutError(
                "no \(chromium): run scripts/install-deps.sh (it installs Debian's chromium for this check)")
        }
        let script = """
            <script>
            window.addEventListener('load', () => {
              const w = window.innerWidth;
              const wide = [...document.querySelectorAll('svg, table')]
                .filter(e => e.getBoundingClientRect().right > w + 1)
                .map(e => e.getAttribute('aria-label') || (e.querySelector('th') || {}).textContent || e.tagName);
              const out = document.createElement('pre');
              out.id = 'stampede-layout';
              out.textContent = JSON.stringify({
                overflows: document.documentElement.scrollWidth > w + 1,
                charts: document.querySelectorAll('svg').length,
                wide: wide,
                titles: [...document.querySelectorAll('svg')].map(e => e.getAttribute('aria-label') || '')
              });
              document.body.appendChild(out);
            });
            </script>
            """
        let html = try String(contentsOfFile: htmlFile, encoding: .utf8)
        let copy = NSTemporaryDirectory() + "stampede-layout-\(UUID().uuidString).html"
        defer { try? FileManager.default.removeItem(atPath: copy) }
        try html.replacingOccurrences(of: "</body>", with: script + "</body>").write(
            toFile: copy, atomically: true, encoding: .utf8)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: chromium)
        p.arguments = [
            "--headless", "--no-sandbox", "--disable-gpu", "--window-size=\(width),2000", "--virtual-time-budget=3000",
            "--dump-dom", "file://\(copy)",
        ]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let dom = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        guard let start = dom.range(of: "<pre id=\"stampede-layout\">"),
            let end = dom.range(of: "</pre>", range: start.upperBound..<dom.endIndex)
        else { throw LayoutError("Chromium returned no measurement (exit \(p.terminationStatus))") }
        let json = String(dom[start.upperBound..<end.lowerBound]).replacingOccurrences(of: "&amp;", with: "&")
            .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"")
        struct Raw: Decodable {
            var overflows: Bool
            var charts: Int
            var wide: [String]
            var titles: [String]
        }
        let raw = try JSONDecoder().decode(Raw.self, from: Data(json.utf8))
        return Measure(overflows: raw.overflows, charts: raw.charts, wide: raw.wide, chartTitles: raw.titles)
    }

    public struct LayoutError: Error, CustomStringConvertible {
        public var description: String
        init(_ d: String) { description = d }
    }
}
