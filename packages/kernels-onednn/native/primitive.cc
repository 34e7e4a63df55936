#include "primitive.h"

namespace infomax_onednn {

Primitive::Primitive(dnnl_primitive_desc_t pd) : pd_(pd) {
  dnnl_status_t status = dnnl_primitive_create(&primitive_, pd_);
  if (status != dnnl_success) {
    dnnl_primitive_desc_destroy(pd_);
    pd_ = nullptr;
    throw DnnlError("dnnl_primitive_create", status);
  }
}

Primitive::~Primitive() {
  if (primitive_ != nullptr) dnnl_primitive_destroy(primitive_);
  if (pd_ != nullptr) dnnl_primitive_desc_destroy(pd_);
}

const dnnl_memory_desc_t& Primitive::query(dnnl_query_t what) const {
  const dnnl_memory_desc_t* desc = dnnl_primitive_desc_query_md(pd_, what, 0);
  if (desc == nullptr) throw std::runtime_error("oneDNN primitive has no memory descriptor for the query");
  return *desc;
}

void Primitive::execute(const std::vector<dnnl_exec_arg_t>& args) const {
  INFOMAX_DNNL_CHECK(dnnl_primitive_execute(primitive_, stream(), static_cast<int>(args.size()), args.data()));
  INFOMAX_DNNL_CHECK(dnnl_stream_wait(stream()));
}

dnnl_primitive_desc_t create_desc(const void* op_desc, dnnl_primitive_attr_t attr, const_dnnl_primitive_desc_t hint) {
  dnnl_primitive_desc_t pd = nullptr;
  dnnl_status_t status = dnnl_primitive_desc_create(&pd, op_desc, attr, engine(), hint);
  if (attr != nullptr) dnnl_primitive_attr_destroy(attr);
  if (status != dnnl_success) throw DnnlError("dnnl_primitive_desc_create", status);
  return pd;
}

}  // namespace infomax_onednn
