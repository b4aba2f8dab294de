// Broadcasting (NumPy rules) and the loop plans handed to the C kernels.
//
// Shapes align from the right; each pair of sizes must be equal or contain a 1; missing leading
// dimensions count as 1. A broadcast operand gets stride 0 along the dimensions it is repeated over,
// so no copy is ever made. Before a kernel call, dimensions that are contiguous for every operand are
// merged ("coalesced"), so a contiguous op is a single flat loop whatever its rank.

/// The broadcast shape of two shapes; traps naming both shapes and the offending axis.
func broadcastShape(_ a: [Int], _ b: [Int], op: String) -> [Int] {
    if a == b { return a }
    let r = max(a.count, b.count)
    var out = [Int](repeating: 1, count: r)
    for i in 0..<r {
        let da = i < r - a.count ? 1 : a[i - (r - a.count)]
        let db = i < r - b.count ? 1 : b[i - (r - b.count)]
        if da == db || db == 1 {
            out[i] = da
        } else if da == 1 {
            out[i] = db
        } else {
            fatalError("\(op): Operands could not be broadcast together with shapes \(a) and \(b): axis \(i - r) has sizes \(da) and \(db) (hint: reshape(-1, 1) or reshape(1, -1) to add an axis)")
        }
    }
    return out
}

extension Tensor {
    /// Strides that read this tensor as if it had the (broadcast-compatible) `target` shape.
    func broadcastStrides(to target: [Int]) -> [Int] {
        let lead = target.count - rank
        var s = [Int](repeating: 0, count: target.count)
        for d in 0..<rank where shape[d] != 1 || target[d + lead] == 1 {
            s[d + lead] = shape[d] == 1 ? 0 : strides[d]
        }
        return s
    }
}

/// Merges dimensions that are contiguous for every operand and drops size-1 dimensions.
func coalesce(_ shape: [Int], _ strides: [[Int]]) -> ([Int], [[Int]]) {
    var outShape: [Int] = []
    var outStrides = [[Int]](repeating: [], count: strides.count)
    for d in 0..<shape.count where shape[d] != 1 {
        if let last = outShape.last,
           strides.indices.allSatisfy({ k in outStrides[k].last! == strides[k][d] * shape[d] }) {
            outShape[outShape.count - 1] = last * shape[d]
            for k in strides.indices { outStrides[k][outStrides[k].count - 1] = strides[k][d] }
        } else {
            outShape.append(shape[d])
            for k in strides.indices { outStrides[k].append(strides[k][d]) }
        }
    }
    return (outShape, outStrides)
}

extension Tensor {
    /// Sums a broadcast gradient back to `target` (the shape of the operand that was broadcast).
    func sumTo(_ target: [Int]) -> Tensor {
        if shape == target { return self }
        let lead = rank - target.count
        var dims: [Int] = Array(0..<lead)
        for d in 0..<target.count where target[d] == 1 && shape[d + lead] != 1 { dims.append(d + lead) }
        let summed = dims.isEmpty ? self : sum(dims: dims, keepDims: true)
        return summed.reshape(target)
    }
}
