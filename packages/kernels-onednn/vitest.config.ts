import { infomaxProject } from '../../vitest.shared';

export default infomaxProject('kernels-onednn');
