// tfjs's fused activations as oneDNN post-ops. Codes are shared with src/native-addon.ts.
#pragma once

#include "dnnl-context.h"

namespace infomax_onednn {

enum Activation : int { kLinear = 0, kRelu = 1, kRelu6 = 2, kElu = 3, kLeakyRelu = 4, kSigmoid = 5 };

// Attributes carrying the activation as an eltwise post-op (nullptr for linear). The caller
// destroys the result after creating its primitive descriptor.
dnnl_primitive_attr_t activation_attr(int activation, float alpha);

}  // namespace infomax_onednn
