/// Escaping for XML 1.0 text and attribute values.
enum XMLEscaping {
    /// Escapes `&`, `<`, `>` (and in attributes `"`, `'`, tab and line breaks, which attribute
    /// normalisation would otherwise turn into spaces); replaces characters XML 1.0 forbids
    /// (control characters other than tab, LF, CR; U+FFFE, U+FFFF) with U+FFFD.
    static func escape(_ text: String, attribute: Bool) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"" where attribute: out += "&quot;"
            case "'" where attribute: out += "&apos;"
            case "\n" where attribute: out += "&#10;"
            case "\r": out += "&#13;"
            case "\t" where attribute: out += "&#9;"
            case "\t", "\n": out.unicodeScalars.append(scalar)
            default:
                let v = scalar.value
                if v < 0x20 || v == 0xFFFE || v == 0xFFFF {
                    out += "\u{FFFD}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }
}
