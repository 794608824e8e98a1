internal import CZlib
import Foundation

/// HdrHistogram interval logs (`.hlog`, the format of HdrHistogram's `HistogramLogWriter`, log
/// format 1.3): one line per interval with its start, length, maximum and the interval's
/// histogram in the V2 compressed encoding (big-endian header, ZigZag LEB128 counts with runs of
/// zeros, zlib, Base64). HdrHistogram's readers in Java, C, Go, Python and Rust rebuild each
/// interval, so percentiles over any time range can be computed from the log.
///
/// The histograms are the load generator's (``EngineMetrics``): microseconds, 1 µs to 1 h, three
/// significant digits; `Interval_Max` is written in milliseconds (the writer's usual ratio of 1000).
public enum HistogramLog {
    /// The layout of ``EngineMetrics/makeHistogram()``: lowest discernible 1, three digits.
    static let lowestDiscernible: Int64 = 1
    static let significantDigits: Int32 = 3
    /// 2·10³ rounded up to a power of two: 2048 sub-buckets, half of them 1024 (magnitude 10).
    static let subBucketHalfCountMagnitude = 10
    static let subBucketHalfCount = 1 << subBucketHalfCountMagnitude
    static let subBucketMask: UInt64 = (1 << (subBucketHalfCountMagnitude + 1)) - 1
    /// 64 − unit magnitude (0) − sub-bucket half-count magnitude − 1.
    static let leadingZeroCountBase = 64 - subBucketHalfCountMagnitude - 1

    /// The whole log: header lines, then one line per interval (timestamps in seconds from `startTime`).
    public static func text(
        intervals: [LatencyInterval], startTime: Double, intervalSeconds: Double = 1, comment: String? = nil
    ) -> String {
        var out = ""
        if let comment { out += "#\(comment)\n" }
        out += "#[Histogram log format version 1.3]\n"
        let date = Date(timeIntervalSince1970: startTime)
        out += String(format: "#[StartTime: %.3f (seconds since epoch), %@]\n", startTime, date.description)
        out += String(format: "#[BaseTime: %.3f (seconds since epoch)]\n", startTime)
        out += "\"StartTimestamp\",\"Interval_Length\",\"Interval_Max\",\"Interval_Compressed_Histogram\"\n"
        for interval in intervals where interval.count > 0 {
            out += String(
                format: "%.3f,%.3f,%.3f,", Double(interval.t) * intervalSeconds, intervalSeconds,
                Double(interval.max) / 1000)
            out += encode(interval.buckets) + "\n"
        }
        return out
    }

    /// The index of a value in HdrHistogram's counts array for this layout.
    static func countsIndex(_ value: UInt64) -> Int {
        let bucket = leadingZeroCountBase - (value | subBucketMask).leadingZeroBitCount
        let subBucket = Int(value >> UInt64(bucket))
        return ((bucket + 1) << subBucketHalfCountMagnitude) + (subBucket - subBucketHalfCount)
    }

    /// A histogram (ascending `[value, count]` buckets) in the V2 compressed encoding, Base64.
    static func encode(_ buckets: [[UInt64]]) -> String {
        var payload: [UInt8] = []
        var next = 0
        for b in buckets where b.count == 2 && b[1] > 0 {
            let index = countsIndex(b[0])
            guard index >= next else { continue }  // not ascending: not this layout's buckets
            let zeros = index - next
            if zeros == 1 {
                appendZigZag(0, to: &payload)
            } else if zeros > 1 {
                appendZigZag(-Int64(zeros), to: &payload)
            }
            appendZigZag(Int64(clamping: b[1]), to: &payload)
            next = index + 1
        }
        var encoded: [UInt8] = []
        appendBigEndian(UInt32(0x1c84_9303 | 0x10), to: &encoded)
        appendBigEndian(UInt32(payload.count), to: &encoded)
        appendBigEndian(UInt32(0), to: &encoded)  // normalizing index offset
        appendBigEndian(UInt32(significantDigits), to: &encoded)
        appendBigEndian(UInt64(lowestDiscernible), to: &encoded)
        appendBigEndian(EngineMetrics.highestTrackable, to: &encoded)
        appendBigEndian((1.0).bitPattern, to: &encoded)  // integer-to-double conversion ratio
        encoded += payload

        var compressedLength = compressBound(uLong(encoded.count))
        var compressed = [UInt8](repeating: 0, count: Int(compressedLength))
        let rc = compressed.withUnsafeMutableBufferPointer { dst in
            encoded.withUnsafeBufferPointer { src in
                compress2(dst.baseAddress, &compressedLength, src.baseAddress, uLong(src.count), Z_BEST_COMPRESSION)
            }
        }
        precondition(rc == Z_OK, "zlib compress2 failed with \(rc) on a buffer of compressBound's size")
        var out: [UInt8] = []
        appendBigEndian(UInt32(0x1c84_9304 | 0x10), to: &out)
        appendBigEndian(UInt32(compressedLength), to: &out)
        out += compressed.prefix(Int(compressedLength))
        return Data(out).base64EncodedString()
    }

    /// ZigZag, then LEB128-64b9B: 7 bits a byte with a continuation bit, the ninth byte whole.
    static func appendZigZag(_ n: Int64, to bytes: inout [UInt8]) {
        var v = UInt64(bitPattern: (n << 1) ^ (n >> 63))
        for _ in 0..<8 {
            if v < 0x80 {
                bytes.append(UInt8(v))
                return
            }
            bytes.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(truncatingIfNeeded: v))
    }

    static func appendBigEndian<T: FixedWidthInteger>(_ value: T, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.bigEndian) { bytes += $0 }
    }
}
