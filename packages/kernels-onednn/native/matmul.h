// Batched matrix product C[b] = op(A[b]) op(B[b]) (+ bias, activation), tfjs's BatchMatMul and
// _FusedMatMul. A batch of 1 on either side broadcasts.
#pragma once

#include <memory>
#include <string>

#include "primitive.h"

namespace infomax_onednn {

struct MatMulGeometry {
  dnnl_dim_t batch_a, batch_b, m, k, n;
  bool transpose_a, transpose_b, has_bias;
  int activation;
  float alpha;
  std::string key() const;
};

class MatMul {
 public:
  explicit MatMul(const MatMulGeometry& g);
  void run(float* a, float* b, float* bias, float* c);
  std::string implementation() const { return implementation_of(primitive_->desc()); }

 private:
  std::unique_ptr<Primitive> primitive_;
  Memory a_, b_, bias_, c_;
};

}  // namespace infomax_onednn
