import { infomaxProject } from '../../vitest.shared';

export default infomaxProject('data');
