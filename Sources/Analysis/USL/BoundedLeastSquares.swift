/// Levenberg–Marquardt for small nonlinear least-squares problems with box constraints
/// (`lower[i] <= p[i] <= upper[i]`), minimising `½ Σ rᵢ(p)²`.
///
/// Constraints are handled by projection plus an active set: a parameter that sits on a bound
/// while the gradient pushes it outward is frozen for that step, so the remaining ones still move
/// freely (plain projection would stall at the bound). Steps use Marquardt's scaling: the normal
/// equations are solved in parameters scaled by `sqrt(diag(JᵀJ))`, which keeps parameters of very
/// different magnitudes (λ ≈ 10³, κ ≈ 10⁻⁴ in a USL fit) well conditioned.
struct BoundedLeastSquares {
    /// Returns the residuals and the Jacobian (`jacobian[i][j] = ∂rᵢ/∂pⱼ`) at `p`.
    typealias Model = ([Double]) -> (residuals: [Double], jacobian: [[Double]])

    struct Solution {
        var parameters: [Double]
        /// `Σ rᵢ²` at `parameters`.
        var sumOfSquares: Double
        var iterations: Int
        var converged: Bool
    }

    var lower: [Double]
    var upper: [Double]
    var maxIterations = 500
    /// Stop when one accepted step lowers the sum of squares by less than this fraction.
    var relativeTolerance = 1e-14

    func minimise(from start: [Double], _ model: Model) -> Solution {
        let n = start.count
        var p = project(start)
        var (r, jac) = model(p)
        var cost = sumOfSquares(r)
        var mu = 1e-3
        var iteration = 0
        var smallSteps = 0
        while iteration < maxIterations {
            iteration += 1
            let g = gradient(jac, r)
            let a = normalMatrix(jac)
            let free = (0..<n).filter { i in
                let atLower = p[i] <= lower[i] && g[i] > 0
                let atUpper = p[i] >= upper[i] && g[i] < 0
                return !(atLower || atUpper) && a[i][i] > 0
            }
            if free.isEmpty {
                return Solution(parameters: p, sumOfSquares: cost, iterations: iteration, converged: true)
            }

            var accepted = false
            while mu < 1e16 {
                guard let step = solveStep(a: a, g: g, free: free, mu: mu) else {
                    mu *= 10
                    continue
                }
                var candidate = p
                for (k, i) in free.enumerated() { candidate[i] += step[k] }
                candidate = project(candidate)
                let (cr, cj) = model(candidate)
                let candidateCost = sumOfSquares(cr)
                if candidateCost.isFinite && candidateCost <= cost {
                    let improvement = cost - candidateCost
                    let moved = zip(candidate, p).contains { $0 != $1 }
                    p = candidate
                    r = cr
                    jac = cj
                    cost = candidateCost
                    mu = max(mu / 3, 1e-12)
                    accepted = true
                    if !moved || improvement <= relativeTolerance * max(cost, .leastNormalMagnitude) {
                        smallSteps += 1
                    } else {
                        smallSteps = 0
                    }
                    break
                }
                mu *= 4
            }
            if !accepted || smallSteps >= 3 || cost == 0 {
                return Solution(parameters: p, sumOfSquares: cost, iterations: iteration, converged: true)
            }
        }
        return Solution(parameters: p, sumOfSquares: cost, iterations: iteration, converged: false)
    }

    private func project(_ p: [Double]) -> [Double] {
        p.indices.map { Swift.min(Swift.max(p[$0], lower[$0]), upper[$0]) }
    }

    private func sumOfSquares(_ r: [Double]) -> Double { r.reduce(0) { $0 + $1 * $1 } }

    /// `Jᵀr`, the gradient of `½ Σ rᵢ²`.
    private func gradient(_ jac: [[Double]], _ r: [Double]) -> [Double] {
        let n = jac.first?.count ?? 0
        var g = [Double](repeating: 0, count: n)
        for (row, ri) in zip(jac, r) { for j in 0..<n { g[j] += row[j] * ri } }
        return g
    }

    /// `JᵀJ`.
    private func normalMatrix(_ jac: [[Double]]) -> [[Double]] {
        let n = jac.first?.count ?? 0
        var a = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
        for row in jac {
            for i in 0..<n { for j in 0..<n { a[i][j] += row[i] * row[j] } }
        }
        return a
    }

    /// Solves `(JᵀJ + μ·diag(JᵀJ)) δ = −g` over the free parameters, in scaled coordinates.
    private func solveStep(a: [[Double]], g: [Double], free: [Int], mu: Double) -> [Double]? {
        let m = free.count
        let scale = free.map { a[$0][$0].squareRoot() }
        var matrix = [[Double]](repeating: [Double](repeating: 0, count: m), count: m)
        var rhs = [Double](repeating: 0, count: m)
        for (k, i) in free.enumerated() {
            for (l, j) in free.enumerated() { matrix[k][l] = a[i][j] / (scale[k] * scale[l]) }
            matrix[k][k] += mu
            rhs[k] = -g[i] / scale[k]
        }
        guard let z = Self.solve(matrix, rhs) else { return nil }
        return z.indices.map { z[$0] / scale[$0] }
    }

    /// Gaussian elimination with partial pivoting; nil when the matrix is singular.
    static func solve(_ matrix: [[Double]], _ rhs: [Double]) -> [Double]? {
        var a = matrix
        var b = rhs
        let n = b.count
        for col in 0..<n {
            guard let pivot = (col..<n).max(by: { abs(a[$0][col]) < abs(a[$1][col]) }),
                abs(a[pivot][col]) > 1e-300
            else { return nil }
            a.swapAt(col, pivot)
            b.swapAt(col, pivot)
            for row in (col + 1)..<n {
                let f = a[row][col] / a[col][col]
                if f == 0 { continue }
                for k in col..<n { a[row][k] -= f * a[col][k] }
                b[row] -= f * b[col]
            }
        }
        var x = [Double](repeating: 0, count: n)
        for row in stride(from: n - 1, through: 0, by: -1) {
            var s = b[row]
            for k in (row + 1)..<n { s -= a[row][k] * x[k] }
            x[row] = s / a[row][row]
        }
        return x.allSatisfy(\.isFinite) ? x : nil
    }
}
