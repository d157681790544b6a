// The categories of a return (退件), as the API names them (docs/openapi.yaml, reasonCode).

export const RETURN_REASONS: { code: string; label: string }[] = [
  { code: 'materials_incomplete', label: '材料不齐全' },
  { code: 'materials_nonconforming', label: '材料不符合法定形式' },
  { code: 'information_inconsistent', label: '填报信息有误或与材料不一致' },
  { code: 'conditions_unmet', label: '不符合申请条件' },
  { code: 'not_in_scope', label: '不属于本部门职权范围' },
  { code: 'duplicate', label: '重复申报' },
  { code: 'other', label: '其他' },
]

/** The correction checklist (一次告知): the materials ticked, then the extra lines typed. */
export function correctionItems(ticked: string[], extra: string): string[] {
  const lines = extra
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0)
  return [...new Set([...ticked, ...lines])]
}
