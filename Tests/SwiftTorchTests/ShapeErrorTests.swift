// Misuse traps with a message naming the shapes (exit tests: each runs in a child process, and the
// closure builds everything itself because it cannot capture).
import Testing
@testable import SwiftTorch

@Suite("Shape and usage errors")
struct ShapeErrorTests {
    @Test("matmul names both shapes and the inner dimensions")
    func matmulInnerDims() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = matmul(Tensor.zeros([32, 784]), Tensor.zeros([256, 10]))
        }
        #expect(standardError(result).contains(
            "matmul: Cannot perform matrix multiplication: [32, 784] @ [256, 10]. Inner dimensions must match: 784 ≠ 256"))
    }

    @Test("linear names x and the weight")
    func linearInnerDims() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = linear(Tensor.zeros([32, 784]), weight: Tensor.zeros([128, 10]))
        }
        #expect(standardError(result).contains(
            "linear: Cannot perform matrix multiplication: [32, 784] @ [128, 10]. Inner dimensions must match: 784 ≠ 128"))
    }

    @Test("matmul batch dimensions that do not broadcast")
    func matmulBatch() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = matmul(Tensor.zeros([2, 3, 4]), Tensor.zeros([3, 4, 5]))
        }
        #expect(standardError(result).contains(
            "matmul (batch dimensions): Operands could not be broadcast together with shapes [2] and [3]: axis -1 has sizes 2 and 3"))
    }

    @Test("broadcasting (3, 4) + (3) names both shapes and the axis")
    func broadcast34() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([3, 4]) + Tensor.zeros([3])
        }
        let stderr = standardError(result)
        #expect(stderr.contains("add: Operands could not be broadcast together with shapes [3, 4] and [3]"))
        #expect(stderr.contains("axis -1 has sizes 4 and 3 (hint: reshape(-1, 1) or reshape(1, -1) to add an axis)"))
    }

    @Test("broadcasting (2, 3) * (2) and a middle axis")
    func broadcast23() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([2, 3]) * Tensor.zeros([2])
        }
        #expect(standardError(result).contains("mul: Operands could not be broadcast together with shapes [2, 3] and [2]: axis -1 has sizes 3 and 2"))
        let middle = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([2, 3, 4]) - Tensor.zeros([5, 1])
        }
        #expect(standardError(middle).contains("sub: Operands could not be broadcast together with shapes [2, 3, 4] and [5, 1]: axis -2 has sizes 3 and 5"))
    }

    @Test("reshape names the element counts")
    func reshapeCount() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([2, 3]).reshape(4, 2)
        }
        #expect(standardError(result).contains("reshape: Cannot reshape tensor of size 6 into shape [4, 2]: total elements must match (6 ≠ 8)"))
        let inferred = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([2, 3]).reshape(4, -1)
        }
        #expect(standardError(inferred).contains(
            "reshape: Cannot reshape tensor of size 6 into shape [4, -1]: total elements must match (6 is not a multiple of 4)"))
    }

    @Test("expand to an incompatible shape")
    func expandIncompatible() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([3, 1]).expand([3])
        }
        #expect(standardError(result).contains("expand: shape [3, 1] cannot be expanded to [3] (broadcasting gives [3, 3])"))
    }

    @Test("backward with a gradient of the wrong shape, and on a tensor that does not require grad")
    func backwardMisuse() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let x = Tensor.ones([2, 3], requiresGrad: true)
            (x * 2).backward(gradient: Tensor.ones([3, 2]))
        }
        #expect(standardError(result).contains("backward(gradient:): gradient shape [3, 2] must equal the tensor's shape [2, 3]"))
        let noGrad = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            Tensor.ones([2]).sum().backward()
        }
        #expect(standardError(noGrad).contains("backward(): tensor of shape [] does not require grad and has no gradFn"))
    }

    @Test("indexSelect, gather and oneHot name the index range")
    func indexOutOfRange() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([3, 2]).indexSelect(dim: 0, index: Tensor(integers: [0, 5]))
        }
        #expect(standardError(result).contains("indexSelect: Index out of range. Expected 0 <= indices < 3, got min=0, max=5"))
        let gather = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([2, 4]).gather(dim: 1, index: Tensor(integers: [1, -2, 3, 0], shape: [2, 2]))
        }
        #expect(standardError(gather).contains("gather: Index out of range. Expected 0 <= indices < 4, got min=-2, max=3"))
        let oneHot = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.oneHot(Tensor(integers: [1, 10]), classes: 10)
        }
        #expect(standardError(oneHot).contains("oneHot: Index out of range. Expected 0 <= indices < 10, got min=1, max=10"))
    }

    @Test("gather with an index of the wrong shape, and floating-point indices")
    func gatherBadShapes() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([3, 4]).gather(dim: 1, index: Tensor(integers: [0, 0, 0, 0, 0, 0, 0, 0], shape: [4, 2]))
        }
        #expect(standardError(result).contains("gather: index shape [4, 2] must have the input's rank and sizes <= the input shape [3, 4] in every dimension except 1"))
        let rank = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([3, 4]).gather(dim: 0, index: Tensor(integers: [0, 1, 2]))
        }
        #expect(standardError(rank).contains("gather: index shape [3] must have the input's rank and sizes <= the input shape [3, 4] in every dimension except 0"))
        let floats = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([3, 4]).indexSelect(dim: 0, index: Tensor([0, 1]))
        }
        #expect(standardError(floats).contains("indexSelect: indices must be an integer tensor (got float32)"))
    }

    @Test("integer tensors: unsupported ops and requiresGrad")
    func integerMisuse() async {
        let exp = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor(integers: [1, 2]).exp()
        }
        #expect(standardError(exp).contains("exp: not supported for integer tensors (int64); convert with .to(.float32)"))
        let grad = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let labels = Tensor(integers: [1, 2])
            labels.requiresGrad = true
        }
        #expect(standardError(grad).contains("requiresGrad: only floating-point tensors can require gradients (dtype int64)"))
        let matmulInts = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = matmul(Tensor(integers: [1, 2, 3, 4], shape: [2, 2]), Tensor(integers: [1, 2, 3, 4], shape: [2, 2]))
        }
        #expect(standardError(matmulInts).contains("matmul: operands must have the same floating-point dtype (got int64 and int64)"))
    }

    @Test("dtype mismatch between operands")
    func dtypeMismatch() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([2]) + Tensor.zeros([2], dtype: .float64)
        }
        #expect(standardError(result).contains("add: dtype mismatch: float32 and float64 (convert one with .to(_:))"))
    }

    @Test("subscripts: index out of range, too many indices, assignment into a tensor that requires grad")
    func subscriptErrors() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([3, 4])[5]
        }
        #expect(standardError(result).contains("subscript: index 5 is out of range for dimension 0 of size 3 (shape [3, 4])"))
        let negative = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([3, 4])[.all, -5]
        }
        #expect(standardError(negative).contains("subscript: index -5 is out of range for dimension 1 of size 4 (shape [3, 4])"))
        let tooMany = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([3, 4])[0, 1, 2]
        }
        #expect(standardError(tooMany).contains("subscript: too many indices (3) for a tensor of rank 2 (shape [3, 4])"))
        let assign = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let w = Tensor.zeros([3], requiresGrad: true)
            w[0] = Tensor(Float(1))
        }
        #expect(standardError(assign).contains("subscript assignment: a tensor that requires grad cannot be modified in place"))
    }

    @Test("dimension out of range, item of a non-scalar, ragged and mis-sized initializers")
    func miscellaneous() async {
        let dim = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([2, 3]).sum(dim: 2)
        }
        #expect(standardError(dim).contains("sum: dimension 2 is out of range for a tensor of rank 2 (expected -2..<2)"))
        let item = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([2, 3]).item()
        }
        #expect(standardError(item).contains("item(): only a one-element tensor can be converted to a number (shape [2, 3])"))
        let ragged = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor([[1, 2], [3]])
        }
        #expect(standardError(ragged).contains("Tensor([[Float]]): ragged nested array: element 1 has shape [1], expected [2]"))
        let count = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor([1, 2, 3], shape: [2, 2])
        }
        #expect(standardError(count).contains("Tensor: 3 values cannot fill shape [2, 2] (4 elements)"))
        let concat = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.concatenate([Tensor.zeros([2, 3]), Tensor.zeros([2, 4])])
        }
        #expect(standardError(concat).contains(
            "concatenate: tensor 1 has shape [2, 4] (float32) but tensor 0 has [2, 3] (float32); all dimensions except 0 must match"))
    }
}
