// 2-D convolution and its two gradients on NHWC activations and HWIO filters (tfjs's layouts).
#pragma once

#include <memory>
#include <string>

#include "primitive.h"
#include "weights-reorder.h"

namespace infomax_onednn {

// tfjs's conv geometry; dilations as tfjs gives them (1 = none), paddings explicit per side.
struct ConvGeometry {
  dnnl_dim_t n, in_h, in_w, in_c, out_h, out_w, out_c, k_h, k_w, stride_h, stride_w, dilation_h, dilation_w;
  dnnl_dim_t pad_top, pad_bottom, pad_left, pad_right;
  std::string key() const;
};

class ConvForward {
 public:
  ConvForward(const ConvGeometry& g, bool has_bias, int activation, float alpha);
  void run(float* x, float* filter, float* bias, float* y);
  std::string implementation() const { return implementation_of(primitive_->desc()); }

 private:
  std::unique_ptr<Primitive> primitive_;
  std::unique_ptr<WeightsReorder> filter_;
  Memory src_, dst_, bias_;
};

class ConvBackwardData {
 public:
  explicit ConvBackwardData(const ConvGeometry& g);
  void run(float* dy, float* filter, float* dx);
  std::string implementation() const { return implementation_of(primitive_->desc()); }

 private:
  std::unique_ptr<Primitive> primitive_;
  std::unique_ptr<WeightsReorder> filter_;
  Memory diff_dst_, diff_src_;
};

class ConvBackwardWeights {
 public:
  explicit ConvBackwardWeights(const ConvGeometry& g);
  void run(float* x, float* dy, float* dfilter);
  std::string implementation() const { return implementation_of(primitive_->desc()); }

 private:
  std::unique_ptr<Primitive> primitive_;
  std::unique_ptr<WeightsReorder> filter_;
  Memory src_, diff_dst_;
};

}  // namespace infomax_onednn
