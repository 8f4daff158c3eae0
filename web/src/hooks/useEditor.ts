import { useState } from 'react';

/** What a create/edit form modal takes from the page that opens it. */
export interface EditorModalProps<T> {
  open: boolean;
  /** The row to edit; absent to create one. */
  editing?: T | null;
  onClose: () => void;
  onSaved: (row: T) => void;
}

/**
 * Which row a page's create/edit modal works on. `editing` is null while creating; it is cleared
 * on close so the next 新建 starts from an empty form.
 */
export function useEditor<T>() {
  const [state, setState] = useState<{ open: boolean; editing: T | null }>({ open: false, editing: null });
  const close = () => setState({ open: false, editing: null });
  return {
    create: () => setState({ open: true, editing: null }),
    edit: (row: T) => setState({ open: true, editing: row }),
    /** The modal's props; after a save it closes and the page's list reloads. */
    modalProps: (reload: () => void): EditorModalProps<T> => ({
      ...state,
      onClose: close,
      onSaved: () => {
        close();
        reload();
      },
    }),
  };
}
