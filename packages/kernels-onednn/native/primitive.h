// A primitive descriptor + primitive pair with RAII, and a tiny argument list builder.
#pragma once

#include <vector>

#include "dnnl-context.h"

namespace infomax_onednn {

class Primitive {
 public:
  Primitive() = default;
  // Takes ownership of pd; creates the primitive from it.
  explicit Primitive(dnnl_primitive_desc_t pd);
  ~Primitive();
  Primitive(const Primitive&) = delete;
  Primitive& operator=(const Primitive&) = delete;

  const_dnnl_primitive_desc_t desc() const { return pd_; }
  const dnnl_memory_desc_t& query(dnnl_query_t what) const;
  void execute(const std::vector<dnnl_exec_arg_t>& args) const;

 private:
  dnnl_primitive_desc_t pd_ = nullptr;
  dnnl_primitive_t primitive_ = nullptr;
};

// Creates a primitive descriptor from an op descriptor, freeing attr and hint afterwards.
dnnl_primitive_desc_t create_desc(const void* op_desc, dnnl_primitive_attr_t attr, const_dnnl_primitive_desc_t hint);

}  // namespace infomax_onednn
