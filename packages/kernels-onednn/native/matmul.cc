#include "matmul.h"

#include "activation.h"

namespace infomax_onednn {

std::string MatMulGeometry::key() const {
  return std::to_string(batch_a) + ',' + std::to_string(batch_b) + ',' + std::to_string(m) + ',' + std::to_string(k) +
         ',' + std::to_string(n) + ',' + (transpose_a ? 'T' : 'N') + (transpose_b ? 'T' : 'N') + (has_bias ? 'b' : '-') +
         std::to_string(activation) + ',' + std::to_string(alpha);
}

MatMul::MatMul(const MatMulGeometry& g) {
  // Transposes are expressed as strides over the same row-major storage: no copies.
  dnnl_dims_t a_dims = {g.batch_a, g.m, g.k};
  dnnl_dims_t a_strides = {g.m * g.k, g.transpose_a ? 1 : g.k, g.transpose_a ? g.m : 1};
  dnnl_dims_t b_dims = {g.batch_b, g.k, g.n};
  dnnl_dims_t b_strides = {g.k * g.n, g.transpose_b ? 1 : g.n, g.transpose_b ? g.k : 1};
  dnnl_dim_t batch = g.batch_a > g.batch_b ? g.batch_a : g.batch_b;
  dnnl_dims_t c_dims = {batch, g.m, g.n};
  dnnl_dims_t c_strides = {g.m * g.n, g.n, 1};
  dnnl_dims_t bias_dims = {1, 1, g.n};
  dnnl_dims_t bias_strides = {g.n, g.n, 1};
  dnnl_memory_desc_t a = plain_desc(3, a_dims, a_strides);
  dnnl_memory_desc_t b = plain_desc(3, b_dims, b_strides);
  dnnl_memory_desc_t c = plain_desc(3, c_dims, c_strides);
  dnnl_memory_desc_t bias = plain_desc(3, bias_dims, bias_strides);
  dnnl_matmul_desc_t desc;
  INFOMAX_DNNL_CHECK(dnnl_matmul_desc_init(&desc, &a, &b, g.has_bias ? &bias : nullptr, &c));
  primitive_ = std::make_unique<Primitive>(create_desc(&desc, activation_attr(g.activation, g.alpha), nullptr));
  a_ = wrap_memory(&a);
  b_ = wrap_memory(&b);
  c_ = wrap_memory(&c);
  if (g.has_bias) bias_ = wrap_memory(&bias);
}

void MatMul::run(float* a, float* b, float* bias, float* c) {
  bind(a_, a);
  bind(b_, b);
  bind(c_, c);
  std::vector<dnnl_exec_arg_t> args = {{DNNL_ARG_SRC, a_.get()}, {DNNL_ARG_WEIGHTS, b_.get()}, {DNNL_ARG_DST, c_.get()}};
  if (bias_) {
    bind(bias_, bias);
    args.push_back({DNNL_ARG_BIAS, bias_.get()});
  }
  primitive_->execute(args);
}

}  // namespace infomax_onednn
