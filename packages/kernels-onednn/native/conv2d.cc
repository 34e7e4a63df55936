#include "conv2d.h"

#include "activation.h"

namespace infomax_onednn {
namespace {

struct ConvDescs {
  dnnl_memory_desc_t src, dst, filter_plain, filter_any;
  dnnl_dims_t strides, dilates, pad_l, pad_r;
};

ConvDescs describe(const ConvGeometry& g) {
  ConvDescs d;
  // oneDNN's logical dims are NCHW / OIHW whatever the memory layout; the tags give tfjs's.
  dnnl_dims_t src_dims = {g.n, g.in_c, g.in_h, g.in_w};
  dnnl_dims_t dst_dims = {g.n, g.out_c, g.out_h, g.out_w};
  dnnl_dims_t filter_dims = {g.out_c, g.in_c, g.k_h, g.k_w};
  d.src = tagged_desc(4, src_dims, dnnl_nhwc);
  d.dst = tagged_desc(4, dst_dims, dnnl_nhwc);
  d.filter_plain = tagged_desc(4, filter_dims, dnnl_hwio);
  d.filter_any = tagged_desc(4, filter_dims, dnnl_format_tag_any);
  d.strides[0] = g.stride_h;
  d.strides[1] = g.stride_w;
  // oneDNN counts dilation as the gap between taps (0 = dense); tfjs as the tap spacing.
  d.dilates[0] = g.dilation_h - 1;
  d.dilates[1] = g.dilation_w - 1;
  d.pad_l[0] = g.pad_top;
  d.pad_l[1] = g.pad_left;
  d.pad_r[0] = g.pad_bottom;
  d.pad_r[1] = g.pad_right;
  return d;
}

// The forward descriptor backward primitives need as a hint, without bias or post-ops.
dnnl_primitive_desc_t forward_hint(const ConvDescs& d) {
  dnnl_convolution_desc_t desc;
  INFOMAX_DNNL_CHECK(dnnl_dilated_convolution_forward_desc_init(&desc, dnnl_forward_training, dnnl_convolution_direct,
                                                                &d.src, &d.filter_any, nullptr, &d.dst, d.strides,
                                                                d.dilates, d.pad_l, d.pad_r));
  return create_desc(&desc, nullptr, nullptr);
}

// A backward primitive descriptor: `init` fills the op descriptor, the forward one is the hint.
template <typename Init>
dnnl_primitive_desc_t backward_desc(const ConvDescs& d, const char* what, Init init) {
  dnnl_primitive_desc_t hint = forward_hint(d);
  try {
    dnnl_convolution_desc_t desc;
    dnnl_status_t status = init(&desc);
    if (status != dnnl_success) throw DnnlError(what, status);
    dnnl_primitive_desc_t pd = create_desc(&desc, nullptr, hint);
    dnnl_primitive_desc_destroy(hint);
    return pd;
  } catch (...) {
    dnnl_primitive_desc_destroy(hint);
    throw;
  }
}

}  // namespace

std::string ConvGeometry::key() const {
  std::string k;
  for (dnnl_dim_t v : {n, in_h, in_w, in_c, out_h, out_w, out_c, k_h, k_w, stride_h, stride_w, dilation_h, dilation_w,
                       pad_top, pad_bottom, pad_left, pad_right}) {
    k += std::to_string(v);
    k += ',';
  }
  return k;
}

ConvForward::ConvForward(const ConvGeometry& g, bool has_bias, int activation, float alpha) {
  ConvDescs d = describe(g);
  dnnl_dims_t bias_dims = {g.out_c};
  dnnl_memory_desc_t bias = tagged_desc(1, bias_dims, dnnl_a);
  dnnl_convolution_desc_t desc;
  INFOMAX_DNNL_CHECK(dnnl_dilated_convolution_forward_desc_init(&desc, dnnl_forward_training, dnnl_convolution_direct,
                                                                &d.src, &d.filter_any, has_bias ? &bias : nullptr,
                                                                &d.dst, d.strides, d.dilates, d.pad_l, d.pad_r));
  primitive_ = std::make_unique<Primitive>(create_desc(&desc, activation_attr(activation, alpha), nullptr));
  filter_ = std::make_unique<WeightsReorder>(d.filter_plain, primitive_->query(dnnl_query_weights_md), true);
  src_ = wrap_memory(&d.src);
  dst_ = wrap_memory(&d.dst);
  if (has_bias) bias_ = wrap_memory(&bias);
}

void ConvForward::run(float* x, float* filter, float* bias, float* y) {
  filter_->bind(filter);
  filter_->run();
  bind(src_, x);
  bind(dst_, y);
  std::vector<dnnl_exec_arg_t> args = {
      {DNNL_ARG_SRC, src_.get()}, {DNNL_ARG_WEIGHTS, filter_->primitive_memory()}, {DNNL_ARG_DST, dst_.get()}};
  if (bias_) {
    bind(bias_, bias);
    args.push_back({DNNL_ARG_BIAS, bias_.get()});
  }
  primitive_->execute(args);
}

ConvBackwardData::ConvBackwardData(const ConvGeometry& g) {
  ConvDescs d = describe(g);
  primitive_ = std::make_unique<Primitive>(backward_desc(d, "dnnl_dilated_convolution_backward_data_desc_init", [&](dnnl_convolution_desc_t* desc) {
    return dnnl_dilated_convolution_backward_data_desc_init(desc, dnnl_convolution_direct, &d.src, &d.filter_any, &d.dst,
                                                            d.strides, d.dilates, d.pad_l, d.pad_r);
  }));
  filter_ = std::make_unique<WeightsReorder>(d.filter_plain, primitive_->query(dnnl_query_weights_md), true);
  diff_dst_ = wrap_memory(&d.dst);
  diff_src_ = wrap_memory(&d.src);
}

void ConvBackwardData::run(float* dy, float* filter, float* dx) {
  filter_->bind(filter);
  filter_->run();
  bind(diff_dst_, dy);
  bind(diff_src_, dx);
  primitive_->execute({{DNNL_ARG_DIFF_DST, diff_dst_.get()},
                       {DNNL_ARG_WEIGHTS, filter_->primitive_memory()},
                       {DNNL_ARG_DIFF_SRC, diff_src_.get()}});
}

ConvBackwardWeights::ConvBackwardWeights(const ConvGeometry& g) {
  ConvDescs d = describe(g);
  primitive_ = std::make_unique<Primitive>(backward_desc(d, "dnnl_dilated_convolution_backward_weights_desc_init", [&](dnnl_convolution_desc_t* desc) {
    return dnnl_dilated_convolution_backward_weights_desc_init(desc, dnnl_convolution_direct, &d.src, &d.filter_any, nullptr,
                                                               &d.dst, d.strides, d.dilates, d.pad_l, d.pad_r);
  }));
  filter_ = std::make_unique<WeightsReorder>(d.filter_plain, primitive_->query(dnnl_query_diff_weights_md), false);
  src_ = wrap_memory(&d.src);
  diff_dst_ = wrap_memory(&d.dst);
}

void ConvBackwardWeights::run(float* x, float* dy, float* dfilter) {
  filter_->bind(dfilter);
  bind(src_, x);
  bind(diff_dst_, dy);
  primitive_->execute({{DNNL_ARG_SRC, src_.get()},
                       {DNNL_ARG_DIFF_DST, diff_dst_.get()},
                       {DNNL_ARG_DIFF_WEIGHTS, filter_->primitive_memory()}});
  filter_->run();
  INFOMAX_DNNL_CHECK(dnnl_stream_wait(stream()));
}

}  // namespace infomax_onednn
