// N-API surface of the addon. Every entry takes plain numbers and Float32Arrays (views of the
// wasm heap or of cpu-backend buffers); outputs are written in place, nothing is allocated on the
// JS heap per call. Primitives are cached per shape because creating one costs far more than
// running a small one.
#include <napi.h>
#include <omp.h>
#include <oneapi/dnnl/dnnl.h>

#include <memory>
#include <string>
#include <algorithm>
#include <unordered_map>
#include <vector>

#include "conv2d.h"
#include "matmul.h"

namespace infomax_onednn {
namespace {

// Threads for big primitives (setThreads), and the work below which a primitive runs on one
// thread: waking a sleeping OpenMP thread costs tens of microseconds on a quiet machine and up to
// a scheduler time slice when another process holds the core, which small kernels cannot repay.
int max_threads = 1;
double parallel_min_flops = 2e7;

// Threads for a primitive of `flops`, made current for the creation and run that follow. oneDNN
// sizes its work split when a primitive is created, so the count is part of the cache key.
int threads_for(double flops) {
  int threads = flops >= parallel_min_flops ? max_threads : 1;
  omp_set_num_threads(threads);
  return threads;
}

// Bounded so a workload with ever-changing shapes cannot grow without limit; a full cache is
// simply emptied (recreating primitives is correct, only slower).
constexpr size_t kMaxCachedPrimitives = 512;

template <typename T>
class PrimitiveCache {
 public:
  template <typename Make>
  T& get(const std::string& key, Make make) {
    auto found = entries_.find(key);
    if (found != entries_.end()) return *found->second;
    if (entries_.size() >= kMaxCachedPrimitives) entries_.clear();
    return *entries_.emplace(key, make()).first->second;
  }
  void clear() { entries_.clear(); }
  template <typename Visit>
  void each(Visit visit) const {
    for (const auto& [key, value] : entries_) visit(key, *value);
  }

 private:
  std::unordered_map<std::string, std::unique_ptr<T>> entries_;
};

PrimitiveCache<ConvForward> conv_forward_cache;
PrimitiveCache<ConvBackwardData> conv_backward_data_cache;
PrimitiveCache<ConvBackwardWeights> conv_backward_weights_cache;
PrimitiveCache<MatMul> matmul_cache;

float* float_data(const Napi::Value& value, size_t elements, const char* name) {
  if (!value.IsTypedArray() || value.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array) {
    throw Napi::TypeError::New(value.Env(), std::string(name) + " must be a Float32Array");
  }
  auto array = value.As<Napi::Float32Array>();
  if (array.ElementLength() < elements) {
    throw Napi::RangeError::New(value.Env(), std::string(name) + " has " + std::to_string(array.ElementLength()) +
                                                 " elements, the shape needs " + std::to_string(elements));
  }
  return array.Data();
}

float* optional_float_data(const Napi::Value& value, size_t elements, const char* name) {
  return value.IsNull() || value.IsUndefined() ? nullptr : float_data(value, elements, name);
}

std::vector<int64_t> int_list(const Napi::Value& value, size_t count, const char* name, uint64_t may_be_negative = 0) {
  if (!value.IsTypedArray() || value.As<Napi::TypedArray>().TypedArrayType() != napi_int32_array ||
      value.As<Napi::Int32Array>().ElementLength() != count) {
    throw Napi::TypeError::New(value.Env(), std::string(name) + " must be an Int32Array of " + std::to_string(count));
  }
  auto array = value.As<Napi::Int32Array>();
  std::vector<int64_t> out(count);
  for (size_t i = 0; i < count; ++i) {
    if (array[i] < 0 && !(may_be_negative & (uint64_t{1} << i))) {
      throw Napi::RangeError::New(value.Env(), std::string(name) + " has a negative entry at " + std::to_string(i));
    }
    out[i] = array[i];
  }
  return out;
}

ConvGeometry conv_geometry(const Napi::Value& value) {
  // Paddings after (bottom, right) are negative when a stride leaves the last rows unused.
  auto v = int_list(value, 17, "geometry", (uint64_t{1} << 14) | (uint64_t{1} << 16));
  ConvGeometry g{v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12], v[13], v[14], v[15], v[16]};
  if (g.stride_h < 1 || g.stride_w < 1 || g.dilation_h < 1 || g.dilation_w < 1) {
    throw Napi::RangeError::New(value.Env(), "geometry: strides and dilations must be >= 1");
  }
  // oneDNN's backward-weights primitive trusts this without checking and writes out of bounds
  // when it does not hold, so every entry point checks it: the last window ends exactly at the
  // padded edge.
  auto exact = [](dnnl_dim_t in, dnnl_dim_t out, dnnl_dim_t k, dnnl_dim_t stride, dnnl_dim_t dilation, dnnl_dim_t before,
                  dnnl_dim_t after) { return out >= 1 && (out - 1) * stride + (k - 1) * dilation + 1 == in + before + after; };
  if (!exact(g.in_h, g.out_h, g.k_h, g.stride_h, g.dilation_h, g.pad_top, g.pad_bottom) ||
      !exact(g.in_w, g.out_w, g.k_w, g.stride_w, g.dilation_w, g.pad_left, g.pad_right)) {
    throw Napi::RangeError::New(value.Env(),
                                "geometry: the paddings must make the last window end at the padded edge "
                                "((out - 1) * stride + (k - 1) * dilation + 1 == in + pad before + pad after)");
  }
  return g;
}

double conv_flops(const ConvGeometry& g) {
  return 2.0 * g.n * g.out_h * g.out_w * g.out_c * g.k_h * g.k_w * g.in_c;
}

template <typename Body>
Napi::Value guarded(const Napi::CallbackInfo& info, Body body) {
  try {
    return body();
  } catch (const Napi::Error&) {
    throw;
  } catch (const std::exception& e) {
    throw Napi::Error::New(info.Env(), e.what());
  }
}

// conv2d(geometry, activation, alpha, x, filter, bias | null, y)
Napi::Value Conv2d(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    ConvGeometry g = conv_geometry(info[0]);
    int activation = info[1].As<Napi::Number>().Int32Value();
    float alpha = info[2].As<Napi::Number>().FloatValue();
    float* x = float_data(info[3], g.n * g.in_h * g.in_w * g.in_c, "x");
    float* filter = float_data(info[4], g.k_h * g.k_w * g.in_c * g.out_c, "filter");
    float* bias = optional_float_data(info[5], g.out_c, "bias");
    float* y = float_data(info[6], g.n * g.out_h * g.out_w * g.out_c, "y");
    int threads = threads_for(conv_flops(g));
    std::string key = std::to_string(threads) + '|' + g.key() + (bias ? "b" : "-") + std::to_string(activation) + ',' + std::to_string(alpha);
    conv_forward_cache.get(key, [&] { return std::make_unique<ConvForward>(g, bias != nullptr, activation, alpha); })
        .run(x, filter, bias, y);
    return info.Env().Undefined();
  });
}

// conv2dBackpropInput(geometry, dy, filter, dx)
Napi::Value Conv2dBackpropInput(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    ConvGeometry g = conv_geometry(info[0]);
    float* dy = float_data(info[1], g.n * g.out_h * g.out_w * g.out_c, "dy");
    float* filter = float_data(info[2], g.k_h * g.k_w * g.in_c * g.out_c, "filter");
    float* dx = float_data(info[3], g.n * g.in_h * g.in_w * g.in_c, "dx");
    int threads = threads_for(conv_flops(g));
    conv_backward_data_cache.get(std::to_string(threads) + '|' + g.key(), [&] { return std::make_unique<ConvBackwardData>(g); }).run(dy, filter, dx);
    return info.Env().Undefined();
  });
}

// conv2dBackpropFilter(geometry, x, dy, dfilter)
Napi::Value Conv2dBackpropFilter(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    ConvGeometry g = conv_geometry(info[0]);
    float* x = float_data(info[1], g.n * g.in_h * g.in_w * g.in_c, "x");
    float* dy = float_data(info[2], g.n * g.out_h * g.out_w * g.out_c, "dy");
    float* dfilter = float_data(info[3], g.k_h * g.k_w * g.in_c * g.out_c, "dfilter");
    if (g.k_h == 1 && g.k_w == 1 && (g.stride_h > 1 || g.stride_w > 1)) {
      // oneDNN 2.6's 1x1 backward-weights kernel corrupts the heap when strided (its "reduce to
      // unit stride" path; seen with NHWC, 98x8x8x4 -> 4x4x8). A strided 1x1 convolution only
      // reads every stride-th pixel, so the same gradient comes from those pixels at stride 1.
      if (g.pad_top != 0 || g.pad_left != 0) throw std::invalid_argument("strided 1x1 filter gradient with padding before");
      static std::vector<float> picked;
      picked.resize(static_cast<size_t>(g.n * g.out_h * g.out_w * g.in_c));
      for (dnnl_dim_t b = 0; b < g.n; ++b) {
        for (dnnl_dim_t i = 0; i < g.out_h; ++i) {
          for (dnnl_dim_t j = 0; j < g.out_w; ++j) {
            const float* from = x + ((b * g.in_h + i * g.stride_h) * g.in_w + j * g.stride_w) * g.in_c;
            std::copy(from, from + g.in_c, picked.data() + ((b * g.out_h + i) * g.out_w + j) * g.in_c);
          }
        }
      }
      ConvGeometry unit = g;
      unit.in_h = g.out_h;
      unit.in_w = g.out_w;
      unit.stride_h = unit.stride_w = 1;
      unit.pad_bottom = unit.pad_right = 0;
      int threads = threads_for(conv_flops(unit));
      conv_backward_weights_cache.get(std::to_string(threads) + '|' + unit.key(), [&] { return std::make_unique<ConvBackwardWeights>(unit); })
          .run(picked.data(), dy, dfilter);
      return info.Env().Undefined();
    }
    int threads = threads_for(conv_flops(g));
    conv_backward_weights_cache.get(std::to_string(threads) + '|' + g.key(), [&] { return std::make_unique<ConvBackwardWeights>(g); })
        .run(x, dy, dfilter);
    return info.Env().Undefined();
  });
}

// matMul([batchA, batchB, m, k, n, transposeA, transposeB], activation, alpha, a, b, bias | null, c)
Napi::Value MatMulEntry(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    auto v = int_list(info[0], 7, "geometry");
    MatMulGeometry g{v[0], v[1], v[2], v[3], v[4], v[5] != 0, v[6] != 0, false, 0, 0.f};
    if (g.batch_a != g.batch_b && g.batch_a != 1 && g.batch_b != 1) {
      throw Napi::RangeError::New(info.Env(), "matMul: batch sizes must match or one must be 1");
    }
    g.activation = info[1].As<Napi::Number>().Int32Value();
    g.alpha = info[2].As<Napi::Number>().FloatValue();
    float* a = float_data(info[3], g.batch_a * g.m * g.k, "a");
    float* b = float_data(info[4], g.batch_b * g.k * g.n, "b");
    float* bias = optional_float_data(info[5], g.n, "bias");
    g.has_bias = bias != nullptr;
    dnnl_dim_t batch = g.batch_a > g.batch_b ? g.batch_a : g.batch_b;
    float* c = float_data(info[6], batch * g.m * g.n, "c");
    int threads = threads_for(2.0 * batch * g.m * g.n * g.k);
    matmul_cache.get(std::to_string(threads) + '|' + g.key(), [&] { return std::make_unique<MatMul>(g); }).run(a, b, bias, c);
    return info.Env().Undefined();
  });
}

// setThreads(threads, parallelMinFlops?)
Napi::Value SetThreads(const Napi::CallbackInfo& info) {
  int threads = info[0].As<Napi::Number>().Int32Value();
  if (threads < 1) throw Napi::RangeError::New(info.Env(), "setThreads: threads must be >= 1");
  max_threads = threads;
  if (info.Length() > 1 && info[1].IsNumber()) {
    double flops = info[1].As<Napi::Number>().DoubleValue();
    if (!(flops >= 0)) throw Napi::RangeError::New(info.Env(), "setThreads: parallelMinFlops must be >= 0");
    parallel_min_flops = flops;
  }
  return info.Env().Undefined();
}

Napi::Value Info(const Napi::CallbackInfo& info) {
  const dnnl_version_t* version = dnnl_version();
  Napi::Object out = Napi::Object::New(info.Env());
  out.Set("version", std::to_string(version->major) + '.' + std::to_string(version->minor) + '.' +
                         std::to_string(version->patch));
  out.Set("hash", version->hash);
  out.Set("threads", max_threads);
  out.Set("parallelMinFlops", parallel_min_flops);
  return out;
}

// Every cached primitive with the implementation oneDNN chose ("brg:avx512_core", "ref:any"...).
Napi::Value Primitives(const Napi::CallbackInfo& info) {
  Napi::Array out = Napi::Array::New(info.Env());
  uint32_t i = 0;
  auto add = [&](const char* kind) {
    return [&, kind](const std::string& key, const auto& primitive) {
      Napi::Object entry = Napi::Object::New(info.Env());
      entry.Set("kind", kind);
      entry.Set("key", key);
      entry.Set("implementation", primitive.implementation());
      out.Set(i++, entry);
    };
  };
  conv_forward_cache.each(add("conv2d"));
  conv_backward_data_cache.each(add("conv2dBackpropInput"));
  conv_backward_weights_cache.each(add("conv2dBackpropFilter"));
  matmul_cache.each(add("matMul"));
  return out;
}

Napi::Value ClearCache(const Napi::CallbackInfo& info) {
  conv_forward_cache.clear();
  conv_backward_data_cache.clear();
  conv_backward_weights_cache.clear();
  matmul_cache.clear();
  return info.Env().Undefined();
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("conv2d", Napi::Function::New(env, Conv2d));
  exports.Set("conv2dBackpropInput", Napi::Function::New(env, Conv2dBackpropInput));
  exports.Set("conv2dBackpropFilter", Napi::Function::New(env, Conv2dBackpropFilter));
  exports.Set("matMul", Napi::Function::New(env, MatMulEntry));
  exports.Set("setThreads", Napi::Function::New(env, SetThreads));
  exports.Set("info", Napi::Function::New(env, Info));
  exports.Set("primitives", Napi::Function::New(env, Primitives));
  exports.Set("clearCache", Napi::Function::New(env, ClearCache));
  return exports;
}

}  // namespace
}  // namespace infomax_onednn

static Napi::Object InitAddon(Napi::Env env, Napi::Object exports) { return infomax_onednn::Init(env, exports); }

NODE_API_MODULE(NODE_GYP_MODULE_NAME, InitAddon)
