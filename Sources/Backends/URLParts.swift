import Foundation

/// An error in the server's configuration: a sentence that says what is wrong and what to do.
public struct ConfigurationError: Error, CustomStringConvertible, Equatable {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// The parts of a `scheme://[user[:password]@]host[:port][/path]` URL. Small on purpose: the
/// server only needs Redis and PostgreSQL URLs, and wants errors that name the flag's expected form.
public struct URLParts {
    /// `url` with its host and port replaced (user, password, path and query kept): how a link
    /// is pointed at a proxy in front of the service.
    public static func replacingHostAndPort(in url: String, host: String, port: Int) -> String {
        guard let sep = url.range(of: "://") else { return url }
        let rest = url[sep.upperBound...]
        let end = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        let authority = rest[..<end]
        let userinfo = authority.lastIndex(of: "@").map { String(authority[...$0]) } ?? ""
        return String(url[..<sep.upperBound]) + userinfo + "\(host):\(port)" + rest[end...]
    }

    public var scheme: String
    public var user: String?
    public var password: String?
    public var host: String
    public var port: Int
    public var path: String?

    public init(_ url: String, schemes: Set<String>, defaultPort: Int, what: String, example: String) throws {
        guard let sep = url.range(of: "://") else {
            throw ConfigurationError("invalid \(what) '\(url)': expected the form \(example)")
        }
        var scheme = String(url[..<sep.lowerBound]).lowercased()
        if let plus = scheme.firstIndex(of: "+") { scheme = String(scheme[..<plus]) }  // postgresql+asyncpg
        guard schemes.contains(scheme) else {
            throw ConfigurationError(
                "invalid \(what) '\(url)': scheme must be \(schemes.sorted().joined(separator: " or ")), as in \(example)"
            )
        }
        self.scheme = scheme
        var rest = Substring(url[sep.upperBound...])
        if let q = rest.firstIndex(of: "?") { rest = rest[..<q] }
        var authority = rest
        path = nil
        if let slash = rest.firstIndex(of: "/") {
            authority = rest[..<slash]
            path = String(rest[rest.index(after: slash)...])
        }
        if let at = authority.lastIndex(of: "@") {
            let userinfo = authority[..<at]
            authority = authority[authority.index(after: at)...]
            if let colon = userinfo.firstIndex(of: ":") {
                user = String(userinfo[..<colon]).removingPercentEncodingIfPossible
                password = String(userinfo[userinfo.index(after: colon)...]).removingPercentEncodingIfPossible
            } else {
                user = String(userinfo).removingPercentEncodingIfPossible
            }
            if user == "" { user = nil }
        }
        if let colon = authority.lastIndex(of: ":") {
            host = String(authority[..<colon])
            guard let p = Int(authority[authority.index(after: colon)...]), (1...65535).contains(p) else {
                throw ConfigurationError(
                    "invalid \(what) '\(url)': the port must be a number 1-65535, as in \(example)")
            }
            port = p
        } else {
            host = String(authority)
            port = defaultPort
        }
        if host.isEmpty { host = "127.0.0.1" }
        if host == "localhost" { host = "127.0.0.1" }
    }
}

extension String {
    var removingPercentEncodingIfPossible: String {
        guard contains("%") else { return self }
        var out: [UInt8] = []
        var bytes = Array(utf8)[...]
        while let b = bytes.popFirst() {
            if b == UInt8(ascii: "%"), bytes.count >= 2,
                let v = UInt8(String(decoding: bytes.prefix(2), as: UTF8.self), radix: 16)
            {
                out.append(v)
                bytes = bytes.dropFirst(2)
            } else {
                out.append(b)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
