// Moves weights between the caller's plain layout and the blocked layout a primitive wants.
#pragma once

#include "dnnl-context.h"

namespace infomax_onednn {

// Either a pass-through (the primitive takes the plain layout as it is) or a reorder into (or
// out of) a library-owned buffer. Direction is fixed at construction.
class WeightsReorder {
 public:
  WeightsReorder(const dnnl_memory_desc_t& plain, const dnnl_memory_desc_t& wanted, bool plain_is_source);
  ~WeightsReorder();
  WeightsReorder(const WeightsReorder&) = delete;
  WeightsReorder& operator=(const WeightsReorder&) = delete;

  // The memory the primitive reads or writes; valid after bind().
  dnnl_memory_t primitive_memory() const { return internal_ ? internal_.get() : plain_.get(); }
  void bind(void* plain_data);
  // Runs the reorder (plain -> internal before the primitive, or internal -> plain after it).
  void run();

 private:
  Memory plain_;
  Memory internal_;
  dnnl_primitive_t reorder_ = nullptr;
  bool plain_is_source_;
};

}  // namespace infomax_onednn
