import { describe, expect, it } from 'vitest'
import { projectFields } from './projectFields.js'

describe('projectFields', () => {
  it('applies partial-response selectors', () => {
    const list = { kind: 'drive#fileList', nextPageToken: 'n', files: [{ id: '1', name: 'a', size: '3' }] }
    expect(projectFields(list, 'nextPageToken,files(id,name)')).toEqual({
      nextPageToken: 'n',
      files: [{ id: '1', name: 'a' }],
    })
    expect(projectFields(list, 'files/id')).toEqual({ files: [{ id: '1' }] })
    expect(projectFields(list, '*')).toEqual(list)
  })
})
