internal import CCurl

#if canImport(Glibc)
import Glibc
#endif

/// Names the kind of a failed transfer from libcurl's result and the socket's errno.
enum ErrorKind {
    static let headerTimeout = "header_timeout"
    static let parse = "parse"

    /// A socket error's kind (the native transport; libcurl's `CURLINFO_OS_ERRNO` first).
    static func classify(errno e: Int32) -> String {
        switch e {
        case EMFILE, ENFILE: "emfile"
        case ECONNREFUSED, ENETUNREACH, EHOSTUNREACH, EADDRNOTAVAIL: "refused"
        case ECONNRESET, EPIPE, ECONNABORTED: "reset"
        case ETIMEDOUT: "timeout"
        case ENOMEM, ENOBUFS: "out_of_memory"
        default: "errno_\(e)"
        }
    }

    static func classify(_ code: CURLcode, osErrno: Int) -> String {
        switch Int32(osErrno) {
        case EMFILE, ENFILE: return "emfile"
        case ECONNREFUSED: return "refused"
        case ECONNRESET, EPIPE: return "reset"
        case ETIMEDOUT: return "timeout"
        default: break
        }
        switch code {
        case CURLE_COULDNT_CONNECT: return "refused"
        case CURLE_OPERATION_TIMEDOUT: return "timeout"
        case CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_PARTIAL_FILE: return "reset"
        case CURLE_GOT_NOTHING: return "empty_reply"
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY: return "dns"
        case CURLE_WEIRD_SERVER_REPLY, CURLE_BAD_CONTENT_ENCODING: return parse
        case CURLE_OUT_OF_MEMORY: return "out_of_memory"
        default: return "curl_\(code.rawValue)"
        }
    }
}
