#include "activation.h"

namespace infomax_onednn {

dnnl_primitive_attr_t activation_attr(int activation, float alpha) {
  if (activation == kLinear) return nullptr;
  dnnl_alg_kind_t kind;
  float a = 0.f, b = 0.f;
  switch (activation) {
    case kRelu: kind = dnnl_eltwise_relu; break;
    case kRelu6: kind = dnnl_eltwise_clip; a = 0.f; b = 6.f; break;
    case kElu: kind = dnnl_eltwise_elu; a = 1.f; break;
    case kLeakyRelu: kind = dnnl_eltwise_relu; a = alpha; break;  // oneDNN's relu alpha is the negative slope
    case kSigmoid: kind = dnnl_eltwise_logistic; break;
    default: throw std::invalid_argument("unknown activation code " + std::to_string(activation));
  }
  dnnl_post_ops_t post_ops = nullptr;
  INFOMAX_DNNL_CHECK(dnnl_post_ops_create(&post_ops));
  dnnl_status_t status = dnnl_post_ops_append_eltwise(post_ops, 1.f, kind, a, b);
  dnnl_primitive_attr_t attr = nullptr;
  if (status == dnnl_success) status = dnnl_primitive_attr_create(&attr);
  if (status == dnnl_success) status = dnnl_primitive_attr_set_post_ops(attr, post_ops);
  dnnl_post_ops_destroy(post_ops);
  if (status != dnnl_success) {
    if (attr != nullptr) dnnl_primitive_attr_destroy(attr);
    throw DnnlError("activation post-op", status);
  }
  return attr;
}

}  // namespace infomax_onednn
