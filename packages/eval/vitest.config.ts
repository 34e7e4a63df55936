import { infomaxProject } from '../../vitest.shared';

export default infomaxProject('eval');
