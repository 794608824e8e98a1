/// The parts of an `http://host[:port]/path?query` URL that a plain HTTP/1.1 client needs, and
/// the request it sends. The native transport speaks only this; `https://` goes through libcurl.
struct HTTPEndpoint: Equatable, Sendable {
    /// The host as written (brackets removed from an IPv6 literal).
    var host: String
    var port: Int
    /// What goes on the request line: path and query, `/` when the URL has none.
    var requestTarget: String
    /// The `Host` header's value: the authority as written in the URL.
    var authority: String

    /// Nil for anything but an absolute `http://` URL with a host and a valid port (no userinfo).
    init?(_ url: String) {
        guard url.lowercased().hasPrefix("http://") else { return nil }
        let rest = url.dropFirst("http://".count)
        let end = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
        let auth = rest[..<end]
        guard !auth.isEmpty, !auth.contains("@"), !auth.contains(" ") else { return nil }
        var target = String(rest[end...])
        if let hash = target.firstIndex(of: "#") { target = String(target[..<hash]) }
        if target.isEmpty || target.first == "?" { target = "/" + target }
        var hostPart = Substring(auth)
        var portPart: Substring?
        if auth.first == "[" {
            guard let close = auth.firstIndex(of: "]") else { return nil }
            hostPart = auth[auth.index(after: auth.startIndex)..<close]
            let after = auth[auth.index(after: close)...]
            if !after.isEmpty {
                guard after.first == ":" else { return nil }
                portPart = after.dropFirst()
            }
        } else if let colon = auth.lastIndex(of: ":") {
            hostPart = auth[..<colon]
            portPart = auth[auth.index(after: colon)...]
        }
        guard !hostPart.isEmpty else { return nil }
        var port = 80
        if let portPart {
            guard let p = Int(portPart), p > 0, p < 65536 else { return nil }
            port = p
        }
        host = String(hostPart)
        self.port = port
        requestTarget = target
        authority = String(auth)
    }

    /// The whole request: request line, `Host`, the caller's header lines (a line `Name:` with no
    /// value removes that header, as in libcurl), `Accept: */*` and, with a body, `Content-Length`
    /// and a default `Content-Type` (libcurl's, so both transports send the same request).
    func request(method: String, headerLines: [String], body: String?) -> [UInt8] {
        var names = Set<String>()
        var text = "\(method) \(requestTarget) HTTP/1.1\r\n"
        var lines: [String] = []
        for line in headerLines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].lowercased()
            names.insert(name)
            let value = line[line.index(after: colon)...].drop { $0 == " " }
            if value.isEmpty { continue }
            lines.append(line)
        }
        if !names.contains("host") { text += "Host: \(authority)\r\n" }
        if !names.contains("accept") { text += "Accept: */*\r\n" }
        for line in lines { text += line + "\r\n" }
        if let body {
            if !names.contains("content-type") { text += "Content-Type: application/x-www-form-urlencoded\r\n" }
            text += "Content-Length: \(body.utf8.count)\r\n\r\n"
            text += body
        } else if method == "POST" || method == "PUT" {
            text += "Content-Length: 0\r\n\r\n"
        } else {
            text += "\r\n"
        }
        return Array(text.utf8)
    }
}
